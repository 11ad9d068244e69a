/* The lecture deck's behaviour (inlined into every deck by rendering/deck_html.py).
   One slide at a time; its clip plays on arrival and holds its last frame. The slide number (1-based)
   lives in the URL hash so that a reload stays put. No network, no libraries: it must run from file://. */
(function () {
  "use strict";

  var root = document.documentElement;
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var counter = document.getElementById("deck-counter");
  var notes = document.getElementById("deck-notes");
  var reducedMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
  var current = -1;

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

  function play(video) {
    video.muted = false;
    var started = video.play();
    if (started && started.catch) {
      started.catch(function (err) {
        // Unmuted autoplay needs a user gesture in most browsers; muted autoplay is always allowed.
        if (err && err.name === "NotAllowedError" && !video.muted) {
          video.muted = true;
          video.play().catch(function () {});
        }
      });
    }
  }

  function arrive(video) {
    var reduce = motionReduced();
    // Reduced motion: the poster and the controls; the viewer starts the clip.
    video.controls = reduce;
    video.preload = "auto";
    video.autoplay = false;
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
      togglePlay();
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
    video.addEventListener("error", function () {
      var note = slide.querySelector(".slide-error");
      if (note) {
        note.hidden = false;
      }
    });
  });

  // Capture phase, so that deck keys work whatever has focus (a clicked video included).
  window.addEventListener("keydown", onKey, true);
  window.addEventListener("hashchange", function () {
    show(indexFromHash());
  });
  show(indexFromHash());
}());
