/*
 * The segment builder's live preview. The page works without this file (every button posts
 * the form and the server renders the preview); with it, the member count, the suppression
 * counts and the sample follow each change without a reload. Changing a condition's field
 * posts the form, so the server draws the value input that field needs.
 * Text goes in with textContent only: names and e-mails come from customers.
 */
/* global document, window, fetch, FormData, URLSearchParams */
(function () {
  'use strict';

  var form = document.querySelector('form.segment-builder');
  var preview = document.querySelector('[data-preview]');
  if (!form || !preview) return;

  var lang = document.documentElement.lang || 'en';
  var numbers = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : lang);
  var dates = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, { dateStyle: 'medium', timeZone: 'UTC' });
  var causeLabels = JSON.parse(preview.getAttribute('data-cause-labels') || '{}');
  var latest = 0;
  var timer;

  form.addEventListener('change', function (event) {
    if (event.target.hasAttribute('data-field-select')) {
      form.requestSubmit(form.querySelector('[data-redraw]'));
      return;
    }
    schedule();
  });
  form.addEventListener('input', schedule);

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }

  function refresh() {
    var request = ++latest;
    var body = new URLSearchParams(new FormData(form));
    body.delete('action');
    preview.setAttribute('aria-busy', 'true');
    fetch(form.getAttribute('data-preview-url'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': body.get('_csrf') || '' },
      body: body.toString(),
    })
      .then(function (response) {
        return response.json().then(function (json) {
          return { status: response.status, json: json };
        });
      })
      .then(function (result) {
        if (request !== latest) return;
        preview.removeAttribute('aria-busy');
        if (result.status === 200) showPreview(result.json);
        else if (result.status === 400) showProblems(result.json.error.details || []);
      })
      .catch(function () {
        if (request === latest) preview.removeAttribute('aria-busy');
      });
  }

  function showPreview(data) {
    clearProblems();
    setText('[data-preview-count]', numbers.format(data.count));
    toggle('[data-preview-invalid]', false);
    Object.keys(data.suppressed).forEach(function (name) {
      setText('[data-suppressed="' + name + '"]', numbers.format(data.suppressed[name]));
    });
    var rows = preview.querySelector('[data-preview-sample]');
    rows.textContent = '';
    data.sample.forEach(function (member) {
      var row = document.createElement('tr');
      var who = document.createElement('td');
      var email = document.createElement('span');
      who.textContent = member.name || '';
      email.className = 'muted';
      email.textContent = member.email || '';
      who.appendChild(document.createElement('br'));
      who.appendChild(email);
      row.appendChild(who);
      [member.tier, causeLabels[member.cause] || member.cause, member.churnedAt ? dates.format(new Date(member.churnedAt)) : ''].forEach(function (value) {
        var cell = document.createElement('td');
        cell.textContent = value || '';
        row.appendChild(cell);
      });
      rows.appendChild(row);
    });
    toggle('[data-preview-empty]', data.sample.length === 0);
  }

  function showProblems(details) {
    clearProblems();
    setText('[data-preview-count]', '–');
    preview.querySelectorAll('[data-suppressed]').forEach(function (cell) {
      cell.textContent = '–';
    });
    preview.querySelector('[data-preview-sample]').textContent = '';
    toggle('[data-preview-invalid]', true);
    toggle('[data-preview-empty]', false);
    details.forEach(function (problem) {
      var target = placeFor(problem.field);
      if (target && target.hidden) {
        target.textContent = problem.reason;
        target.hidden = false;
      }
    });
  }

  /** The message slot for a path, or for the nearest path above it (a bad option belongs to its list). */
  function placeFor(path) {
    var parts = String(path).split('.');
    while (parts.length > 0) {
      var slot = form.querySelector('[data-error-for="' + parts.join('.') + '"]');
      if (slot) return slot;
      parts.pop();
    }
    return null;
  }

  function clearProblems() {
    form.querySelectorAll('[data-error-for]').forEach(function (slot) {
      slot.textContent = '';
      slot.hidden = true;
    });
  }

  function setText(selector, text) {
    var element = preview.querySelector(selector);
    if (element) element.textContent = text;
  }

  function toggle(selector, shown) {
    var element = preview.querySelector(selector);
    if (element) element.hidden = !shown;
  }
})();
