// A 打印 button on a printed document (no inline script: the security policy forbids it).
document.addEventListener("click", function (e) {
  if (e.target.closest && e.target.closest("[data-print]")) { e.preventDefault(); window.print(); }
});
