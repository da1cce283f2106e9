// Ranking by keys (1..K in order of preference, Enter to submit, Backspace to start over) or by
// mouse (click the responses in order, or pick ranks in the boxes for ties). The server decides
// what counts; this only builds the request and shows its answer.
(function () {
  var task = document.getElementById('task');
  if (!task || !task.dataset.item) { return; }
  var k = parseInt(task.dataset.k, 10);
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.response select.rank'));
  var message = document.getElementById('message');
  var order = [];

  function show() {
    boxes.forEach(function (box, i) {
      var at = order.indexOf(i);
      if (at >= 0) { box.value = String(at + 1); }
      box.parentNode.parentNode.classList.toggle('ranked', box.value !== '');
    });
  }
  function pick(i) {
    if (i < 0 || i >= k || order.indexOf(i) >= 0) { return; }
    order.push(i);
    if (order.length === k - 1) { // the last one is implied
      for (var j = 0; j < k; j++) { if (order.indexOf(j) < 0) { order.push(j); } }
    }
    show();
  }
  function reset() {
    order = [];
    boxes.forEach(function (b) { b.value = ''; });
    show();
  }
  function ranks() {
    return boxes.map(function (b) { return b.value === '' ? null : parseInt(b.value, 10); });
  }
  function nextUrl(skipThis) {
    var skip = task.dataset.skip ? task.dataset.skip.split(',') : [];
    if (skipThis) { skip.push(task.dataset.item); }
    var url = '/batch/' + encodeURIComponent(task.dataset.batch);
    return skip.length ? url + '?skip=' + encodeURIComponent(skip.join(',')) : url;
  }
  function submit() {
    var r = ranks();
    if (r.indexOf(null) >= 0) { message.textContent = 'Rank every response first.'; return; }
    var flag = document.getElementById('unsafe').checked ? 'unsafe'
        : (document.getElementById('unsure').checked ? 'unsure' : '');
    message.textContent = 'Submitting...';
    fetch('/api/batch/' + encodeURIComponent(task.dataset.batch) + '/rank', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRF-Token': task.dataset.csrf},
      body: JSON.stringify({item: task.dataset.item, ranks: r, flag: flag})
    }).then(function (res) {
      return res.json().then(function (body) { return {ok: res.ok, body: body}; });
    }).then(function (res) {
      if (!res.ok) { message.textContent = res.body.error; return; }
      message.textContent = 'Saved.';
      location.href = nextUrl(false);
    }).catch(function (e) { message.textContent = 'Not saved: ' + e; });
  }

  document.addEventListener('keydown', function (e) {
    if (e.target.tagName === 'SELECT' || e.target.tagName === 'INPUT' && e.target.type !== 'checkbox') { return; }
    var n = parseInt(e.key, 10);
    if (!isNaN(n) && n >= 1 && n <= k) { pick(n - 1); e.preventDefault(); }
    else if (e.key === 'Enter') { submit(); e.preventDefault(); }
    else if (e.key === 'Backspace') { reset(); e.preventDefault(); }
  });
  document.querySelectorAll('.response').forEach(function (el) {
    el.addEventListener('click', function (e) {
      if (e.target.tagName !== 'SELECT' && e.target.tagName !== 'OPTION') { pick(parseInt(el.dataset.index, 10)); }
    });
  });
  boxes.forEach(function (b) { b.addEventListener('change', function () { order = []; show(); }); });
  document.getElementById('submit').addEventListener('click', submit);
  document.getElementById('skip').addEventListener('click', function () { location.href = nextUrl(true); });
})();
