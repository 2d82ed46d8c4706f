// Emergency clocks (N11: out within 2 hours of the event): time left, or time over, every second.
// Their words are the page's (base.html's body data-text-*, in the person's language).
function tick() {
  var words = document.body.dataset;
  document.querySelectorAll(".clock[data-due]").forEach(function (el) {
    var left = Math.round((new Date(el.dataset.due) - new Date()) / 1000);
    var s = Math.abs(left), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
    var text = h + ":" + String(m).padStart(2, "0") + ":" + String(sec).padStart(2, "0");
    el.textContent = (left >= 0 ? words.textLeft : words.textLate) + " " + text;
    el.classList.toggle("late", left < 0);
  });
}
setInterval(tick, 1000);
document.addEventListener("DOMContentLoaded", tick);
document.addEventListener("htmx:afterSwap", tick);
