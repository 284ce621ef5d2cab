/* Gloss: entity cards and quote anchors, a progressive enhancement.
   Without this file every link works and the cards open on hover and focus through CSS.
   With it: hover opens after a short delay and closes after a short grace period, so the
   pointer can reach the card; the first tap on a touch screen opens the card and the second
   follows the link; a tap elsewhere or Escape closes; the card is placed below its word (above
   when there is no room) and kept on screen; every piece of a linked quote is marked. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("gloss-js");

  var HOVER_DELAY = 350; // ms before a hovered word opens its card
  var LEAVE_DELAY = 200; // ms the pointer has to travel from the word to the card
  var EDGE = 8;          // px kept free between a card and the screen's edge
  var GAP = 6;           // px between the word and its card

  var openMention = null;
  var timer = 0;
  var tapStartedOpen = false; // was the card already open when this touch began?
  var lastPointer = "mouse";

  function mentionOf(node) {
    return node && node.closest ? node.closest(".mention") : null;
  }

  function partsOf(mention) {
    return { link: mention.querySelector(".mention-link"), card: mention.querySelector(".card") };
  }

  // Put the card under its word (over it when the screen has no room below), inside the
  // viewport. The card is absolutely positioned in the mention, whose box may span two lines,
  // so measure where left/top 0 lands and move from there.
  function place(mention) {
    var parts = partsOf(mention);
    if (!parts.link || !parts.card) return;
    var card = parts.card;
    card.style.left = "0px";
    card.style.top = "0px";
    var origin = card.getBoundingClientRect();
    var word = parts.link.getBoundingClientRect();
    var width = root.clientWidth;
    var height = window.innerHeight;
    var x = Math.max(EDGE, Math.min(word.left, width - EDGE - origin.width));
    var below = word.bottom + GAP;
    var above = word.top - GAP - origin.height;
    var fitsBelow = below + origin.height <= height - EDGE;
    var y = fitsBelow || above < EDGE ? below : above;
    card.style.left = Math.round(x - origin.left) + "px";
    card.style.top = Math.round(y - origin.top) + "px";
    card.classList.toggle("card--above", y < word.top);
  }

  function open(mention) {
    clearTimeout(timer);
    if (openMention && openMention !== mention) close(openMention);
    openMention = mention;
    mention.classList.add("is-open");
    place(mention);
  }

  function close(mention) {
    mention.classList.remove("is-open");
    if (openMention === mention) openMention = null;
  }

  function later(fn, ms) {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  }

  document.addEventListener("pointerover", function (event) {
    lastPointer = event.pointerType || "mouse";
    if (lastPointer === "touch") return;
    var mention = mentionOf(event.target);
    if (!mention) return;
    if (mention === openMention) { clearTimeout(timer); return; }
    later(function () { open(mention); }, HOVER_DELAY);
  });

  document.addEventListener("pointerout", function (event) {
    if (event.pointerType === "touch") return;
    var mention = mentionOf(event.target);
    if (!mention || mention.contains(event.relatedTarget)) return;
    if (mention !== openMention) { clearTimeout(timer); return; }
    var link = partsOf(mention).link;
    if (link && link.matches(":focus-visible")) return; // keyboard focus keeps it open
    later(function () { close(mention); }, LEAVE_DELAY);
  });

  document.addEventListener("pointerdown", function (event) {
    lastPointer = event.pointerType || "mouse";
    var mention = mentionOf(event.target);
    tapStartedOpen = !!mention && mention === openMention;
    if (openMention && openMention !== mention) close(openMention);
  });

  document.addEventListener("click", function (event) {
    var mention = mentionOf(event.target);
    if (!mention || lastPointer !== "touch") return;
    if (event.target.closest(".mention-link") && !tapStartedOpen) {
      event.preventDefault(); // first tap shows the card; the second follows the link
      open(mention);
    }
  });

  document.addEventListener("focusin", function (event) {
    var mention = mentionOf(event.target);
    if (mention && event.target.matches(".mention-link")) open(mention);
  });

  document.addEventListener("focusout", function (event) {
    var mention = mentionOf(event.target);
    if (mention && mention === openMention && !mention.contains(event.relatedTarget)) close(mention);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && openMention) {
      clearTimeout(timer);
      close(openMention);
    }
  });

  window.addEventListener("resize", function () {
    if (openMention) place(openMention);
  });

  // A quote may come in pieces ("We are ready," he said, "and we will act."); only the first
  // carries the id that :target matches, so mark the others too.
  function markTargetQuote() {
    var marked = document.querySelectorAll(".quote.is-target");
    for (var i = 0; i < marked.length; i++) marked[i].classList.remove("is-target");
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id || !window.CSS || !CSS.escape) return;
    var pieces = document.querySelectorAll('.quote[data-quote="' + CSS.escape(id) + '"]');
    for (var j = 0; j < pieces.length; j++) pieces[j].classList.add("is-target");
  }
  window.addEventListener("hashchange", markTargetQuote);
  markTargetQuote();
})();
