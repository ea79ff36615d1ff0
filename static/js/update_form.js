// Autosave for the monthly update form: every so often, if the text differs from what was last
// saved, save it in the background. The server refuses a save that would overwrite a
// colleague's (HTTP 409); then autosave stops and says so, and the user's text stays in the form.
(function () {
  "use strict";
  var form = document.getElementById("update-form");
  if (!form) { return; }
  var status = document.getElementById("autosave-status");
  var url = form.dataset.autosaveUrl;
  var seconds = parseInt(form.dataset.autosaveSeconds || "60", 10);
  var stopped = false;
  var saving = null;  // the autosave request in flight, if any
  var submitting = false;

  var SKIP = { attachment: true, version: true, csrfmiddlewaretoken: true };

  // The form as name=value pairs, either as it stands or as the server rendered it (the
  // elements' defaults), so text typed before this script ran still counts as unsaved.
  function pairs(useDefaults) {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.disabled || el.type === "submit" || el.type === "file") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (useDefaults ? el.defaultChecked : el.checked) { out.push([el.name, el.value]); }
      } else if (el.tagName === "SELECT") {
        // With no option marked selected, a browser shows (and submits) the first one.
        var marked = Array.prototype.some.call(el.options, function (o) { return o.defaultSelected; });
        Array.prototype.forEach.call(el.options, function (o, i) {
          var isDefault = marked ? o.defaultSelected : i === 0;
          if (useDefaults ? isDefault : o.selected) { out.push([el.name, o.value]); }
        });
      } else {
        out.push([el.name, useDefaults ? el.defaultValue : el.value]);
      }
    });
    return out;
  }
  function serialise(list) { return new URLSearchParams(list).toString(); }
  function fields() { return new URLSearchParams(pairs(false)); }
  var lastSaved = serialise(pairs(true));

  function say(text) { if (status) { status.textContent = text; } }

  form.addEventListener("submit", function (event) {
    if (saving) {
      // Let the autosave finish first: it moves the version on, and a save sent with the old
      // version would be refused as if a colleague had saved.
      event.preventDefault();
      var submitter = event.submitter;
      saving.finally(function () { form.requestSubmit(submitter); });
      return;
    }
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && serialise(pairs(false)) !== lastSaved) { event.preventDefault(); event.returnValue = ""; }
  });

  function autosave() {
    if (stopped || saving) { return; }
    var current = fields();
    var snapshot = current.toString();
    if (snapshot === lastSaved) { return; }
    current.append("version", form.querySelector("input[name=version]").value);
    current.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    saving = fetch(url, { method: "POST", body: current, credentials: "same-origin",
                          headers: { "X-Requested-With": "XMLHttpRequest" } })
      .then(function (response) {
        return response.json().then(function (body) { return { code: response.status, body: body }; });
      })
      .then(function (result) {
        if (result.body.ok) {
          form.querySelector("input[name=version]").value = result.body.version;
          lastSaved = snapshot;
          say("已自动保存 " + result.body.saved_at);
        } else {
          if (result.body.conflict) { stopped = true; }
          say(result.body.message);
        }
      })
      .catch(function () { say("自动保存失败（网络问题），将稍后重试；请勿关闭页面。"); })
      .finally(function () { saving = null; });
    return saving;
  }

  window.setInterval(autosave, seconds * 1000);
  form.autosaveNow = autosave;  // used by the browser tests
}());
