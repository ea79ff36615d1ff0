// Autosave for the monthly update form: every so often, if the text changed, save it in the
// background. The server refuses a save that would overwrite a colleague's (HTTP 409); then
// autosave stops and says so, and the user's text stays in the form.
(function () {
  "use strict";
  var form = document.getElementById("update-form");
  if (!form) { return; }
  var status = document.getElementById("autosave-status");
  var url = form.dataset.autosaveUrl;
  var seconds = parseInt(form.dataset.autosaveSeconds || "60", 10);
  var dirty = false;
  var stopped = false;
  var saving = null;  // the autosave request in flight, if any

  function say(text) { if (status) { status.textContent = text; } }

  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function (event) {
    if (saving) {
      // Let the autosave finish first: it moves the version on, and a save sent with the old
      // version would be refused as if a colleague had saved.
      event.preventDefault();
      var submitter = event.submitter;
      saving.finally(function () { form.requestSubmit(submitter); });
      return;
    }
    dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  function autosave() {
    if (!dirty || stopped || saving) { return; }
    var data = new FormData(form);
    data.delete("attachment");
    var sentWhileDirty = true;
    dirty = false;
    saving = fetch(url, { method: "POST", body: data, credentials: "same-origin",
                 headers: { "X-Requested-With": "XMLHttpRequest" } })
      .then(function (response) {
        return response.json().then(function (body) { return { code: response.status, body: body }; });
      })
      .then(function (result) {
        if (result.body.ok) {
          form.querySelector("input[name=version]").value = result.body.version;
          say(form.dataset.savedText ? form.dataset.savedText.replace("%s", result.body.saved_at)
                                     : "已自动保存 " + result.body.saved_at);
        } else {
          dirty = sentWhileDirty;
          if (result.body.conflict) { stopped = true; }
          say(result.body.message);
        }
      })
      .catch(function () { dirty = sentWhileDirty; say("自动保存失败（网络问题），将稍后重试；请勿关闭页面。"); })
      .finally(function () { saving = null; });
  }

  window.setInterval(autosave, seconds * 1000);
  form.autosaveNow = autosave;  // used by the browser tests
}());
