// Loaded before Redoc's bundle (templates/api/redoc.html). Redoc's sidebar shows Redocly's logo from Redocly's
// CDN, whatever its options; the desk's pages fetch nothing from outside (the CSP refuses it, and each refusal
// is a console error), so that one image is left without its address, and api-docs.css hides it.
(function () {
  "use strict";
  var outside = function (value) { return String(value).indexOf("https://cdn.redoc.ly/") === 0; };
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && String(name).toLowerCase() === "src" && outside(value)) { return; }
    return setAttribute.call(this, name, value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  if (src && src.set) {
    Object.defineProperty(HTMLImageElement.prototype, "src", {
      configurable: true,
      enumerable: src.enumerable,
      get: src.get,
      set: function (value) { if (!outside(value)) { src.set.call(this, value); } }
    });
  }
})();
