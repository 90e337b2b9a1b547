/**
 * The local stand-in for Teams around the tab: a page that iframes /tab/ from the same origin and
 * answers teams-js's postMessage protocol (docs: tab-and-sso.md §5): `initialize`, `getContext`,
 * `authentication.getAuthToken` (a token minted for the chosen person by the emulator's Entra), and
 * pushes `themeChange`. `?subEntityId=safeguard-off:<id>` opens the tab as a deep link with that
 * subEntityId would (teams-js: context.page.subPageId), like the rollback card's safeguard buttons. teams-js accepts replies whose origin is the page's own, so this works with
 * the real teams-js bundle and no configuration. Local development and tests only.
 */
export const HOST_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SOA Bot tab (local Teams host)</title>
<link rel="stylesheet" href="/tab-host/host.css">
</head>
<body>
<header class="host-bar">
  <strong>Local Teams host</strong>
  <label>Signed in as <select id="person" aria-label="Person"></select></label>
  <label>Theme <select id="theme" aria-label="Theme">
    <option value="default">light</option><option value="dark">dark</option><option value="contrast">high contrast</option>
  </select></label>
</header>
<iframe id="tab" title="SOA Bot tab" src="about:blank"></iframe>
<script src="/tab-host/host.js"></script>
</body>
</html>`;

export const HOST_CSS = `html,body{margin:0;height:100%;font-family:system-ui,sans-serif}
body{display:flex;flex-direction:column}
.host-bar{display:flex;flex-wrap:wrap;gap:12px;align-items:center;padding:6px 10px;background:#464775;color:#fff;font-size:13px}
#tab{flex:1;border:0;width:100%}`;

export const HOST_JS = `(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var person = params.get('person') || 'rita';
  var theme = params.get('theme') || 'default';
  var subEntityId = params.get('subEntityId') || undefined;
  var frame = document.getElementById('tab');
  var personSelect = document.getElementById('person');
  var themeSelect = document.getElementById('theme');
  var session = null;
  var seen = [];
  window.__tabHost = { messages: seen };

  function reply(event, id, uuid, args) {
    event.source.postMessage({ id: id, uuidAsString: uuid, args: args }, event.origin);
  }

  window.addEventListener('message', function (event) {
    // Only the tab's frame, only from this origin: what Teams itself checks too.
    if (event.source !== frame.contentWindow || event.origin !== location.origin) return;
    var msg = event.data || {};
    if (typeof msg.func !== 'string') return;
    seen.push(msg.func);
    switch (msg.func) {
      case 'initialize':
        reply(event, msg.id, msg.uuidAsString, ['content', 'web', JSON.stringify({ apiVersion: 4, supports: { authentication: {}, teamsCore: {}, pages: { tabs: {} } } }), '2.0.0']);
        break;
      case 'getContext':
        reply(event, msg.id, msg.uuidAsString, [{
          userObjectId: session.user.id, userPrincipalName: session.user.upn, loginHint: session.user.upn,
          tid: session.tenantId, theme: theme, locale: 'en-US', hostClientType: 'web', frameContext: 'content',
          entityId: 'soa-dashboard', subEntityId: subEntityId, appSessionId: session.sessionId
        }]);
        break;
      case 'authentication.getAuthToken':
        fetch('/tab-host/token?person=' + encodeURIComponent(person), { cache: 'no-store' })
          .then(function (r) { return r.ok ? r.json() : Promise.reject(new Error('token ' + r.status)); })
          .then(function (b) { reply(event, msg.id, msg.uuidAsString, [true, b.token]); })
          .catch(function (e) { reply(event, msg.id, msg.uuidAsString, [false, String(e.message || e)]); });
        break;
      default:
        // Other calls (appInitialization.success, handler registrations) need no answer from this host.
        break;
    }
  });

  themeSelect.value = theme;
  themeSelect.addEventListener('change', function () {
    theme = themeSelect.value;
    params.set('theme', theme);
    history.replaceState(null, '', '?' + params.toString());
    frame.contentWindow.postMessage({ func: 'themeChange', args: [theme] }, location.origin);
  });
  personSelect.addEventListener('change', function () {
    params.set('person', personSelect.value);
    location.search = params.toString();
  });

  fetch('/tab-host/session?person=' + encodeURIComponent(person), { cache: 'no-store' })
    .then(function (r) { return r.json(); })
    .then(function (s) {
      session = s;
      s.people.forEach(function (p) {
        var o = document.createElement('option');
        o.value = p.key; o.textContent = p.name + (p.role ? ' (' + p.role + ')' : '');
        personSelect.appendChild(o);
      });
      personSelect.value = person;
      frame.src = '/tab/';
    });
})();`;
