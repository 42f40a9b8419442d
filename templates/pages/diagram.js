// The lab's diagram, live: the shape of the lab README's (visitors, the way in, each LB, each web server with its
// components and database, the monitoring server), drawn as SVG from the lab's model and coloured from a snapshot of
// what runs. Shared by the monitored lab's page (fed by Prometheus) and `infra watch`'s (fed by infra itself).
// Plain DOM, no framework; nothing here may open a Go template action (Prometheus serves one of the pages).
//
// createDiagram(svg, LAB, addressLine) returns draw(live); addressLine, if given, is the element that says in words
// where the floating address is (held by one LB, by none, or by both: a split brain). live is:
//   state:   server → 'up' | 'degraded' | 'down'
//   backend: web server → HAProxy's state of it (UP, DOWN, MAINT …)
//   share:   web server → its share (0..1) of the requests of the last interval
//   primary: the server whose database takes writes now (null: unknown, the model's is drawn)
//   lag:     replica → seconds behind
//   holders: the LBs listing the floating address
//   alerts:  [{ server, name }] firing now
//   faults:  [{ server, id, what }] made by `infra fault` (infra watch's page; absent on Prometheus's)
//   marks:   server → [{ label, up }] (scrape targets, components): drawn under its box, as text
//   served:  (the app's page) the web server that served it: its arrow full, its box marked
// A page that knows no states (the app's) passes state: null: boxes then say only their names.
function createDiagram(svg, LAB, addressLine) {
  const NS = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, ...children) => {
    const made = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) made.setAttribute(k, v);
    made.append(...children);
    return made;
  };
  const LINE = 15;
  // A title, a role line, a status line (HAProxy's view, the floating address), the components, and a line kept for
  // the alerts firing on it.
  const boxHeight = (s) => 73 + LINE * s.components.length;
  const columns = {
    visitors: { x: 10, w: 110 },
    entry: { x: 160, w: 150 },
    lb: { x: 350, w: 170 },
    web: { x: 580, w: 220 },
    mon: { x: 830, w: 125 },
  };
  const servers = LAB.servers;
  const lbs = servers.filter((s) => s.role === 'lb');
  const webs = servers.filter((s) => s.role === 'web');
  const edge = servers.find((s) => s.role === 'edge');
  const mon = servers.find((s) => s.role === 'mon');
  const place = {};
  const stack = (list, column, top) => {
    let y = top;
    for (const s of list) {
      place[s.name] = { x: columns[column].x, y, w: columns[column].w, h: boxHeight(s) };
      y += boxHeight(s) + 24;
    }
    return y;
  };
  const webBottom = stack(webs, 'web', 10);
  const lbHeight = lbs.reduce((sum, s) => sum + boxHeight(s) + 24, -24);
  stack(lbs, 'lb', Math.max(10, (webBottom - lbHeight) / 2));
  const middle = Math.max(webBottom, 120) / 2;
  if (edge) place[edge.name] = { x: columns.entry.x, y: middle - boxHeight(edge) / 2, w: columns.entry.w, h: boxHeight(edge) };
  const visitors = { x: columns.visitors.x, y: middle - 25, w: columns.visitors.w, h: 50 };
  if (mon) stack([mon], 'mon', 10);
  const height = Math.max(webBottom, ...Object.values(place).map((p) => p.y + p.h + 24), 140);
  // A fixed size for a given lab: nothing moves when the states change (no layout jump on refresh).
  svg.setAttribute('viewBox', '0 0 960 ' + Math.ceil(height));
  const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerUnits: 'userSpaceOnUse', markerWidth: 10, markerHeight: 10, orient: 'auto-start-reverse' });
  marker.append(el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#4a6fa5' }));
  const defs = el('defs', {});
  defs.append(marker);
  const edges = el('g', {});
  const nodes = el('g', {});
  svg.append(defs, edges, nodes);
  /** The way visitors come in: the edge when the LBs are a pair, else straight to the one LB's published port. */
  const entryTargets = edge ? [edge.name] : lbs.map((s) => s.name);

  const arrow = (from, to, attrs, label) => {
    const x1 = from.x + from.w, y1 = from.y + from.h / 2, x2 = to.x, y2 = to.y + to.h / 2;
    const mid = (x1 + x2) / 2;
    const group = el('g', {});
    group.append(el('path', { d: 'M' + x1 + ',' + y1 + ' C' + mid + ',' + y1 + ' ' + mid + ',' + y2 + ' ' + (x2 - 2) + ',' + y2, 'marker-end': 'url(#arrow)', ...attrs }));
    if (label) group.append(el('text', { class: 'small', x: mid - 14, y: (y1 + y2) / 2 - 4 }, label));
    return group;
  };

  return function draw(live) {
    const split = live.holders.length > 1;
    const primaryName = live.primary || (webs.find((w) => w.db === 'primary') || {}).name;
    const drawnNodes = [];
    const drawnEdges = [];
    for (const s of servers) {
      const p = place[s.name];
      if (!p) continue;
      const state = live.state ? live.state[s.name] || 'down' : null;
      const group = el('g', { 'data-server': s.name, 'data-state': state || 'unknown', transform: 'translate(' + p.x + ',' + p.y + ')' });
      const dbRole = s.db ? (s.name === primaryName ? 'primary' : 'replica') : '';
      group.append(
        el('rect', { class: 'box', width: p.w, height: p.h }),
        el('text', { class: 'title', x: 8, y: 17 }, state ? s.name + ' · ' + state : s.name),
        el('text', { class: 'small', x: 8, y: 32 }, s.role + (dbRole ? ' · database ' + dbRole : '')),
      );
      if (s.role === 'web' && live.backend[s.name]) {
        group.append(el('text', { class: 'small', x: 8, y: 47, 'data-backend': live.backend[s.name] }, "in HAProxy's rotation: " + live.backend[s.name]));
      }
      if (live.served === s.name) {
        group.setAttribute('data-served', 'true');
        group.append(el('text', { class: 'holds', x: 8, y: 47 }, 'served this page'));
      }
      if (live.holders.includes(s.name)) {
        group.append(el('text', { class: split ? 'split' : 'holds', x: 8, y: 47, 'data-holds': LAB.floatingAddress }, 'holds ' + LAB.floatingAddress + (split ? ' (so does another LB)' : '')));
      }
      s.components.forEach((c, i) => {
        group.append(el('text', { x: 8, y: 63 + i * LINE }, c.startsWith(s.name + '-') ? c.slice(s.name.length + 1) : c));
      });
      const own = live.alerts.filter((a) => a.server === s.name);
      const faults = (live.faults || []).filter((f) => f.server === s.name);
      if (own.length || faults.length) {
        // One line for what is wrong on purpose (faults) and what Prometheus says is wrong (alerts).
        const text = el('text', { class: 'alert', x: 8, y: p.h - 8 });
        if (faults.length) {
          text.append('⚡ ', ...faults.map((f, i) => el('tspan', { class: 'fault', 'data-fault': f.id }, (i ? ', ' : '') + f.id, el('title', {}, f.what))));
        }
        if (own.length) text.append((faults.length ? ' ' : '') + '⚠ ', ...own.map((a, i) => el('tspan', { 'data-alert': a.name }, (i ? ', ' : '') + a.name)));
        group.append(text);
      }
      const marks = live.marks[s.name] || [];
      if (marks.length) {
        const text = el('text', { class: 'small', x: 0, y: p.h + 14 });
        text.append(...marks.map((m) => el('tspan', { 'data-job': m.label, 'data-up': String(m.up), class: m.up ? '' : 'down-mark' }, m.label + (m.up ? ' ✓ ' : ' ✗ '))));
        group.append(text);
      }
      drawnNodes.push(group);
    }
    const visitorsBox = el('g', { 'data-element': 'visitors' });
    visitorsBox.append(el('rect', { class: 'box', x: visitors.x, y: visitors.y, width: visitors.w, height: visitors.h }), el('text', { class: 'title', x: visitors.x + 8, y: visitors.y + 30 }, 'visitors'));
    drawnNodes.push(visitorsBox);
    for (const name of entryTargets) drawnEdges.push(arrow(visitors, place[name], { class: 'flow', 'stroke-width': 3 }, edge ? '' : 'published port'));
    if (edge) {
      for (const lb of lbs) {
        const holds = live.holders.includes(lb.name);
        drawnEdges.push(arrow(place[edge.name], place[lb.name], { class: holds ? 'flow' : 'flow idle', 'stroke-width': holds ? 3 : 1, 'data-arrow': 'edge→' + lb.name }));
      }
    }
    // Each web server's share of the last interval's requests, as the width of the arrow from the LB serving now.
    const activeLb = lbs.find((lb) => live.holders.includes(lb.name)) || lbs[0];
    for (const web of webs) {
      const share = live.served ? (live.served === web.name ? 1 : 0) : live.share[web.name] || 0;
      drawnEdges.push(arrow(place[activeLb.name], place[web.name], {
        class: share > 0 ? 'flow' : 'flow idle',
        'stroke-width': (1 + 9 * share).toFixed(1),
        'data-arrow': activeLb.name + '→' + web.name,
        'data-share': share.toFixed(2),
      }, Math.round(share * 100) + '%'));
    }
    // Replication: from the primary's box to each replica's, with its lag.
    const primaryWeb = webs.find((w) => w.name === primaryName);
    if (primaryWeb) {
      for (const replica of webs.filter((w) => w !== primaryWeb)) {
        const from = place[primaryWeb.name], to = place[replica.name];
        const x = from.x + from.w, y1 = from.y + from.h - 12, y2 = to.y + to.h - 12;
        const group = el('g', { 'data-replication': primaryWeb.name + '→' + replica.name });
        const lag = live.lag[replica.name];
        group.append(
          el('path', { class: 'replication', d: 'M' + x + ',' + y1 + ' C' + (x + 24) + ',' + y1 + ' ' + (x + 24) + ',' + y2 + ' ' + (x + 2) + ',' + y2, 'marker-end': 'url(#arrow)' }),
          el('text', { class: 'small', x: x + 6, y: (y1 + y2) / 2 }, lag === undefined || lag === null ? 'replicates' : 'lag ' + lag + ' s'),
        );
        drawnEdges.push(group);
      }
    }
    edges.replaceChildren(...drawnEdges);
    nodes.replaceChildren(...drawnNodes);
    if (addressLine && LAB.floatingAddress) {
      addressLine.className = live.holders.length === 1 ? 'muted' : 'split';
      addressLine.textContent = 'Floating address ' + LAB.floatingAddress + ': ' + (live.holders.length === 0
        ? 'held by no load balancer: visitors reach nothing'
        : split ? 'held by ' + live.holders.join(' and ') + ' at once (split brain: they do not hear each other)' : 'on ' + live.holders[0]);
    }
  };
}
