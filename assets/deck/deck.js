/* The lecture deck's behaviour (inlined into every deck by rendering/deck_html.py).
   One slide at a time; its clip plays on arrival and holds its last frame. The slide number (1-based)
   lives in the URL hash so that a reload stays put. No network, no libraries: it must run from file://.
   A narrated deck (data-deck-sound on <html>) plays each clip's voice as browsers allow: a clip that may
   only play muted before the viewer's first key press or click is started again with its voice on that
   gesture; M mutes and unmutes, and #deck-sound says which (to screen readers too). */
(function () {
  "use strict";

  var root = document.documentElement;
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var counter = document.getElementById("deck-counter");
  var notes = document.getElementById("deck-notes");
  var reducedMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
  var current = -1;
  var narrated = root.hasAttribute("data-deck-sound");
  var soundStatus = document.getElementById("deck-sound");
  var soundWanted = true;  // the viewer's choice: M toggles it
  var gestured = false;  // a key press or click has given the page the right to play sound
  var blocked = null;  // the clip the browser let play only muted, until a gesture

  if (!slides.length) {
    return;
  }
  root.classList.add("deck-js");

  function videoOf(index) {
    return slides[index].querySelector("video");
  }

  function motionReduced() {
    return !!(reducedMotion && reducedMotion.matches);
  }

  // "#3" -> 2; anything else (missing, "#0", "#99", "#2.5", "#x") -> the first slide.
  function indexFromHash() {
    var match = /^#(\d{1,6})$/.exec(window.location.hash);
    var number = match ? parseInt(match[1], 10) : 0;
    return number >= 1 && number <= slides.length ? number - 1 : 0;
  }

  function writeHash(index) {
    var hash = "#" + (index + 1);
    if (window.location.hash === hash) {
      return;
    }
    try {
      // replaceState: no history entry per slide, and no hashchange event back to us
      window.history.replaceState(null, "", hash);
    } catch (err) {
      window.location.hash = hash;
    }
  }

  function soundOn() {
    return narrated && soundWanted && !blocked;
  }

  // What the sound is, in words; set only when it changes, so that a screen reader hears each change once.
  function announceSound() {
    if (!narrated || !soundStatus) {
      return;
    }
    var said = soundOn() ? "Sound on (M mutes)" :
      (blocked ? "Sound off until a key is pressed" : "Sound muted (M unmutes)");
    if (soundStatus.textContent !== said) {
      soundStatus.textContent = said;
    }
  }

  function play(video) {
    video.muted = narrated && !soundWanted;
    var started = video.play();
    if (started && started.catch) {
      started.catch(function (err) {
        // Unmuted autoplay needs a user gesture in most browsers; muted autoplay is always allowed.
        if (err && err.name === "NotAllowedError" && !video.muted) {
          if (narrated) {
            blocked = video;  // before muting it: its volumechange is not the viewer's choice
          }
          video.muted = true;
          announceSound();
          video.play().catch(function () {});
        }
      });
    }
  }

  // The viewer's first key press or click: from now on the browser lets clips play with sound. A clip it
  // kept muted and that is still playing starts again from its start with its voice, so no sentence is cut;
  // true then, so that this gesture does not also pause it.
  function gesture() {
    var activation = window.navigator.userActivation;
    if (!narrated || gestured || (activation && !activation.isActive)) {
      return false;  // only a gesture the browser counts lets a clip be unmuted (Escape, for one, does not)
    }
    gestured = true;
    var video = current >= 0 ? videoOf(current) : null;
    var restart = !!(video && video === blocked && soundWanted && !video.paused && !video.ended);
    blocked = null;
    if (video) {
      video.muted = !soundWanted;
      if (restart) {
        video.currentTime = 0;
      }
    }
    announceSound();
    return restart;
  }

  function toggleSound() {
    var video = videoOf(current);
    if (video) {
      video.muted = !soundWanted;
    }
    announceSound();
  }

  function arrive(video) {
    var reduce = motionReduced();
    // Reduced motion: the poster and the controls; the viewer starts the clip.
    video.controls = reduce;
    video.preload = "auto";
    video.autoplay = false;
    if (narrated) {
      video.muted = !soundWanted;  // also for a clip the viewer starts (reduced motion): M holds for every slide
    }
    if (video.currentTime !== 0) {
      video.currentTime = 0;  // every arrival shows the section from its start
    }
    if (!reduce) {
      play(video);
    } else if (video.readyState === 0) {
      video.load();
    }
  }

  function leave(video) {
    video.pause();
  }

  function updateNotes() {
    if (notes.hidden || current < 0) {
      return;
    }
    var slide = slides[current];
    var text = slide.querySelector(".slide-notes");
    notes.querySelector(".deck-notes-where").textContent = "· " + (current + 1) + " / " + slides.length +
      " · " + slide.getAttribute("data-title");
    notes.querySelector(".deck-notes-text").textContent = text ? text.textContent : "";
    notes.querySelector(".deck-notes-next").textContent = current + 1 < slides.length ?
      "Next: " + slides[current + 1].getAttribute("data-title") : "Last slide";
  }

  function show(index) {
    index = Math.max(0, Math.min(slides.length - 1, index));
    if (index !== current) {
      if (current >= 0) {
        slides[current].classList.remove("is-current");
        if (videoOf(current)) {
          leave(videoOf(current));
        }
      }
      current = index;
      slides[current].classList.add("is-current");
      if (videoOf(current)) {
        arrive(videoOf(current));
      }
      // Load the next clip ahead: on arrival its first frame is ready at once, instead of its poster (the
      // section's last frame, in decks of render.py) showing until the clip has loaded.
      if (current + 1 < slides.length && videoOf(current + 1)) {
        videoOf(current + 1).preload = "auto";
      }
      counter.textContent = (current + 1) + " / " + slides.length;
      updateNotes();
    }
    writeHash(current);
  }

  function toggleNotes() {
    notes.hidden = !notes.hidden;
    root.classList.toggle("deck-notes-open", !notes.hidden);
    updateNotes();
  }

  function toggleFullscreen() {
    var doc = document;
    var active = doc.fullscreenElement || doc.webkitFullscreenElement;
    var request = root.requestFullscreen || root.webkitRequestFullscreen;
    var exit = doc.exitFullscreen || doc.webkitExitFullscreen;
    var result;
    if (active && exit) {
      result = exit.call(doc);
    } else if (!active && request) {
      result = request.call(root);
    }
    if (result && result.catch) {
      result.catch(function () {});  // refused (e.g. in an iframe): the deck still works windowed
    }
  }

  function togglePlay() {
    var video = videoOf(current);
    if (!video) {
      return;
    }
    if (video.paused || video.ended) {
      play(video);
    } else {
      video.pause();
    }
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;  // leave the browser's own shortcuts alone
    }
    var key = event.key;
    var handled = true;
    var mute = narrated && (key === "m" || key === "M");
    if (mute) {
      soundWanted = !soundOn();  // what the viewer hears is what M turns around, even before the first gesture
    }
    var restarted = key !== "Escape" && gesture();
    if (key === "ArrowRight" || key === "PageDown" || ((key === " " || key === "Spacebar") && !event.shiftKey)) {
      show(current + 1);
    } else if (key === "ArrowLeft" || key === "PageUp" || ((key === " " || key === "Spacebar") && event.shiftKey)) {
      show(current - 1);
    } else if (key === "Home") {
      show(0);
    } else if (key === "End") {
      show(slides.length - 1);
    } else if (key === "f" || key === "F") {
      toggleFullscreen();
    } else if (key === "s" || key === "S") {
      toggleNotes();
    } else if (key === "p" || key === "P") {
      if (!restarted) {
        togglePlay();
      }
    } else if (mute) {
      toggleSound();
    } else {
      handled = false;
    }
    if (handled) {
      // Also stops a focused video's controls from seeking or toggling on the same key.
      event.preventDefault();
      event.stopPropagation();
    }
  }

  slides.forEach(function (slide) {
    var video = slide.querySelector("video");
    if (!video) {
      return;
    }
    video.controls = false;
    video.addEventListener("click", function () {
      if (!video.controls) {
        togglePlay();
      }
    });
    video.addEventListener("volumechange", function () {
      // the native controls' mute button (reduced motion shows them) is the viewer's choice too
      if (narrated && gestured && video !== blocked && video === videoOf(current) && video.muted === soundWanted) {
        soundWanted = !video.muted;
        announceSound();
      }
    });
    video.addEventListener("error", function () {
      var note = slide.querySelector(".slide-error");
      if (note) {
        note.hidden = false;
      }
    });
  });

  // Capture phase, so that deck keys work whatever has focus (a clicked video included).
  window.addEventListener("keydown", onKey, true);
  window.addEventListener("click", function (event) {
    if (gesture()) {
      event.stopPropagation();  // the click that gave the clip its voice does not pause it as well
    }
  }, true);
  window.addEventListener("hashchange", function () {
    show(indexFromHash());
  });
  show(indexFromHash());
  announceSound();
}());
