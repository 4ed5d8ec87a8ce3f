// "Which organisation?" on the start page: searches the controller directory as the victim types, and fills in the
// organisation's details when one is picked. Without this script the search button and the list do the same.
(function () {
  'use strict';
  var box = document.getElementById('Directory');
  var query = document.getElementById('DirectoryQuery');
  var results = document.getElementById('DirectoryResults');
  if (!box || !query || !results) { return; }
  var url = box.getAttribute('data-search-url');
  var timer = null;
  var latest = 0;

  function text(tag, className, content) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (content) { el.textContent = content; }
    return el;
  }

  function fill(item) {
    var name = document.getElementById('ControllerName');
    var email = document.getElementById('ControllerEmail');
    var country = document.getElementById('ControllerCountry');
    var language = document.getElementById('ControllerLanguage');
    if (!item) { return; }
    if (name) { name.value = item.getAttribute('data-name') || ''; }
    if (email) {
      email.value = item.getAttribute('data-email') || '';
      if (item.getAttribute('data-usable') === 'false') { email.focus(); }
    }
    // A country without a holiday calendar counts on the Dutch one, as the result's note says (docs/directory.md).
    if (country) { country.value = item.getAttribute('data-country') || 'NL'; }
    if (language && item.getAttribute('data-language')) { language.value = item.getAttribute('data-language'); }
  }

  results.addEventListener('change', function (event) {
    var radio = event.target;
    if (radio && radio.name === 'DirectoryRecordId' && radio.value) { fill(radio.closest('li')); }
  });

  function render(entries) {
    // A pick survives a later answer (a slower search for an earlier prefix): the picked record stays, and stays picked.
    var checked = results.querySelector('input[name="DirectoryRecordId"]:checked');
    var pickedItem = checked && checked.value ? checked.closest('li') : null;
    if (pickedItem && entries.some(function (e) { return e.id === checked.value; })) {
      entries = entries.filter(function (e) { return e.id !== checked.value; });
    }
    results.textContent = '';
    if (entries.length === 0 && !pickedItem) {
      results.appendChild(text('p', 'hint', document.documentElement.lang === 'en'
        ? 'Nothing found. Fill in the organisation\u2019s details below yourself.'
        : 'Niets gevonden. Vul de gegevens van de organisatie hieronder zelf in.'));
      return;
    }
    var list = text('ul', 'directory-results');
    if (pickedItem) {
      list.appendChild(pickedItem);
      pickedItem.querySelector('input').checked = true;
    }
    entries.forEach(function (e) {
      var li = document.createElement('li');
      li.setAttribute('data-id', e.id);
      li.setAttribute('data-name', e.name);
      li.setAttribute('data-email', e.channel === 'Email' && e.usable ? (e.email || '') : '');
      li.setAttribute('data-country', e.countrySupported ? e.country : '');
      li.setAttribute('data-language', e.requestLanguage || '');
      li.setAttribute('data-usable', e.usable ? 'true' : 'false');
      var label = text('label', 'check');
      var radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = 'DirectoryRecordId';
      radio.value = e.id;
      label.appendChild(radio);
      label.appendChild(document.createTextNode(' '));
      label.appendChild(text('strong', null, e.name));
      if (e.runs && e.runs.length) { label.appendChild(text('span', null, ' (' + e.runs.slice(0, 3).join(', ') + ')')); }
      li.appendChild(label);
      li.appendChild(text('span', 'hint', e.address.join(', ')));
      li.appendChild(text('span', 'hint', e.explanation));
      if (e.calendarNote) { li.appendChild(text('span', 'hint', e.calendarNote)); }
      if (e.requiredElements.length) { li.appendChild(text('span', 'hint', e.requiredElements.join('; '))); }
      list.appendChild(li);
    });
    var none = document.createElement('li');
    var noneLabel = text('label', 'check');
    var noneRadio = document.createElement('input');
    noneRadio.type = 'radio';
    noneRadio.name = 'DirectoryRecordId';
    noneRadio.value = '';
    noneLabel.appendChild(noneRadio);
    noneLabel.appendChild(document.createTextNode(document.documentElement.lang === 'en'
      ? ' None of these: I fill in the details myself' : ' Geen van deze: ik vul de gegevens zelf in'));
    none.appendChild(noneLabel);
    list.appendChild(none);
    results.appendChild(list);
  }

  var searched = '';

  function search() {
    var q = query.value.trim();
    if (q.length < 2 || q === searched) { return; }
    searched = q;
    var ticket = ++latest;
    fetch(url + '&q=' + encodeURIComponent(q), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (entries) { if (ticket === latest) { render(entries); } })
      .catch(function () { /* the search button still works */ });
  }

  query.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  query.addEventListener('keydown', function (event) {
    // Enter in the search box searches instead of submitting the whole form.
    if (event.key === 'Enter') { event.preventDefault(); clearTimeout(timer); search(); }
  });
}());
