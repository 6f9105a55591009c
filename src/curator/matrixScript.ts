/**
 * The page's behaviour: search, the service-model filter and the detail panel. Plain ES2020 in
 * a string because it runs in the browser, not in Node. It builds every element with
 * textContent, never innerHTML, so knowledge-base text can never become markup; links come
 * only from the citation URLs the server already checked.
 */
export const MATRIX_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('matrix-data').textContent);
  var OWNER = { aws: 'AWS', customer: 'You', shared: 'Shared', depends: 'Depends' };
  var table = document.querySelector('table.matrix');
  var panel = document.getElementById('panel');
  var search = document.getElementById('q');
  var status = document.getElementById('status');
  var modelButtons = Array.prototype.slice.call(document.querySelectorAll('.models button'));
  var rows = Array.prototype.slice.call(table.querySelectorAll('tr.svc'));
  var groups = Array.prototype.slice.call(table.querySelectorAll('tbody'));
  var selected = null;
  var model = '';

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // Lower-cased text of each cell, for searching inside answers.
  var cellText = {};
  Object.keys(data.cells).forEach(function (id) {
    var c = data.cells[id];
    var parts = [c.summary].concat(c.aws, c.customer, c.conditions.map(function (k) { return k.when + ' ' + (k.note || ''); }));
    cellText[id] = parts.join(' ').toLowerCase();
  });

  function list(title, items) {
    if (!items.length) return null;
    var frag = document.createDocumentFragment();
    frag.appendChild(el('h3', '', title));
    var ul = el('ul');
    items.forEach(function (t) { ul.appendChild(el('li', '', t)); });
    frag.appendChild(ul);
    return frag;
  }

  function open(button) {
    var id = button.getAttribute('data-cell') || button.getAttribute('data-general');
    var cell = id ? data.cells[id] : null;
    var row = button.closest('tr');
    var serviceId = row.getAttribute('data-service');
    var areaId = button.getAttribute('data-area');
    var service = data.services[serviceId];
    var area = data.areas[areaId];
    if (selected) selected.classList.remove('sel');
    selected = button;
    button.classList.add('sel');
    panel.textContent = '';
    var close = el('button', 'close', '\u00d7');
    close.type = 'button';
    close.setAttribute('aria-label', 'Close');
    close.addEventListener('click', hide);
    panel.appendChild(close);
    panel.appendChild(el('p', 'kicker', service.name));
    var h = el('h2', '', area.title);
    h.id = 'panel-title';
    panel.appendChild(h);
    if (button.hasAttribute('data-general')) {
      var why = button.classList.contains('inh')
        ? 'The general rule below holds for ' + service.name + ' as for every AWS service.'
        : service.name + ' has no entry of its own for this area, so the bot answers with the general rule below' + (area.core ? ' (a core area: this is a gap to fill).' : '.');
      panel.appendChild(el('p', 'note' + (area.core && !button.classList.contains('inh') ? ' miss' : ''), why));
    }
    if (!cell) {
      panel.appendChild(el('p', 'summary', 'Nothing in the knowledge base covers this area yet.'));
      show();
      return;
    }
    panel.appendChild(el('span', 'badge o-' + cell.owner, OWNER[cell.owner]));
    panel.appendChild(el('p', 'summary', cell.summary));
    [list('What AWS does', cell.aws), list('What you do', cell.customer)].forEach(function (n) { if (n) panel.appendChild(n); });
    if (cell.conditions.length) {
      panel.appendChild(el('h3', '', 'It depends on'));
      var ul = el('ul', 'conds');
      cell.conditions.forEach(function (k) {
        var li = el('li');
        li.appendChild(el('span', '', k.when + ': '));
        li.appendChild(el('span', 'cond-owner', OWNER[k.owner] || k.owner));
        if (k.note) li.appendChild(el('span', '', '. ' + k.note));
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    }
    panel.appendChild(el('h3', '', 'Sources'));
    var ol = el('ol', 'cites');
    cell.citations.forEach(function (c) {
      var li = el('li');
      if (c.url) {
        var a = el('a', '', c.title);
        a.href = c.url;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        li.appendChild(a);
      } else {
        li.appendChild(el('span', '', c.title));
      }
      li.appendChild(el('div', 'src', c.publisher + (c.locator ? ', ' + c.locator : '')));
      if (c.quote) li.appendChild(el('blockquote', '', c.quote));
      ol.appendChild(li);
    });
    panel.appendChild(ol);
    var meta = el('p', 'meta');
    meta.appendChild(el('span', '', 'Cell '));
    meta.appendChild(el('code', '', id));
    meta.appendChild(el('span', '', ' \u00b7 verified ' + cell.verified + ' \u00b7 knowledge/' + cell.file));
    panel.appendChild(meta);
    show();
    if (history.replaceState) history.replaceState(null, '', '#' + serviceId + '/' + areaId);
  }

  function show() {
    panel.hidden = false;
    panel.setAttribute('aria-labelledby', 'panel-title');
    panel.focus();
  }

  function hide() {
    panel.hidden = true;
    if (selected) {
      selected.classList.remove('sel');
      selected.focus();
    }
    selected = null;
    if (history.replaceState) history.replaceState(null, '', location.pathname + location.search);
  }

  function filter() {
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var services = 0;
    var hits = 0;
    rows.forEach(function (row) {
      var cells = Array.prototype.slice.call(row.querySelectorAll('.c'));
      cells.forEach(function (b) { b.classList.remove('hit', 'dim'); });
      var inModel = !model || row.getAttribute('data-model') === model || row.getAttribute('data-model') === 'general';
      var visible = inModel;
      if (inModel && terms.length) {
        var own = row.getAttribute('data-search');
        var rowMatch = terms.every(function (t) { return own.indexOf(t) >= 0; });
        if (!rowMatch) {
          var matched = cells.filter(function (b) {
            var id = b.getAttribute('data-cell');
            return id && terms.every(function (t) { return cellText[id].indexOf(t) >= 0; });
          });
          visible = matched.length > 0;
          if (visible) {
            hits += matched.length;
            cells.forEach(function (b) { b.classList.add(matched.indexOf(b) >= 0 ? 'hit' : 'dim'); });
          }
        }
      }
      row.hidden = !visible;
      if (visible && row.getAttribute('data-service') !== 'general') services++;
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector('tr.svc:not([hidden])'); });
    status.textContent = services + (services === 1 ? ' service' : ' services') + (hits ? ', ' + hits + (hits === 1 ? ' matching cell' : ' matching cells') : '');
  }

  table.addEventListener('click', function (event) {
    var button = event.target.closest('button.c');
    if (button) open(button);
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && !panel.hidden) hide();
    if (event.key === '/' && document.activeElement !== search) { event.preventDefault(); search.focus(); }
  });
  search.addEventListener('input', filter);
  modelButtons.forEach(function (b) {
    b.addEventListener('click', function () {
      model = b.getAttribute('data-model');
      modelButtons.forEach(function (o) { o.setAttribute('aria-pressed', String(o === b)); });
      filter();
    });
  });
  document.documentElement.classList.add('js');
  filter();
  // A link such as /matrix#ec2/os-patching opens that cell.
  function openFromHash() {
    var hash = decodeURIComponent(location.hash.slice(1)).split('/');
    if (hash.length !== 2) return;
    var target = table.querySelector('tr[data-service="' + CSS.escape(hash[0]) + '"] button[data-area="' + CSS.escape(hash[1]) + '"]');
    if (target) open(target);
  }
  window.addEventListener('hashchange', openFromHash);
  openFromHash();
})();
`;
