"""Manim scenes and mobjects of scaled dot-product attention; they read traces, never compute them."""
