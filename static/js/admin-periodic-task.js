// django-celery-beat's periodic task form in the admin: under the crontab field, show the chosen
// schedule in words. Moved here from the package's inline script, which the
// Content-Security-Policy blocks; the behaviour is the package's.
(function () {
  "use strict";
  const $ = window.django && window.django.jQuery;
  const data = document.getElementById("readable-crontabs");
  if (!$ || !data) return;
  const readableCrontabs = JSON.parse(data.textContent);
  const help = $(".field-crontab .help");
  const originalHelp = help.html();

  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    const readable = readableCrontabs[$("#id_crontab").val()];
    help.html(originalHelp + "<br/>Translation: ").append(document.createTextNode(readable === undefined ? "" : readable));
  });
})();
