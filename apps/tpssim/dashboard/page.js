// The dashboard page's script (apps/tpssim/html_dashboard.hpp): builds the panels, the
// timeline of bands, the slowest traces and the event log from the data tpssim embedded.
// window.tpssim exposes the charts for the page's test (tests/apps/test_html_dashboard.py).
(function () {
  'use strict';
  performance.mark('tpssim-start');
  var data = JSON.parse(document.getElementById('tpssim-data').textContent);
  performance.mark('tpssim-parsed');
  var calendar = data.calendar;
  var end = data.simulated_seconds;
  var DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  // The x value of a point in simulated seconds: a date (the calendar start read as UTC, as the
  // axis labels are) or the seconds themselves.
  function xOf(seconds) { return calendar ? new Date(data.epoch_ms + seconds * 1000) : seconds; }
  function secondsOf(x) { return calendar ? (x - data.epoch_ms) / 1000 : x; }
  function elapsedText(s) {
    if (s < 60) return (Math.round(s * 10) / 10) + 's';
    var t = Math.floor(s);
    return Math.floor(t / 3600) + ':' + pad(Math.floor(t / 60) % 60) + ':' + pad(t % 60);
  }
  var multiDay = end > 86400 - 1;
  function clockText(seconds) {
    if (!calendar) return elapsedText(seconds);
    var d = new Date(data.epoch_ms + Math.floor(seconds) * 1000);
    var hms = pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds());
    return multiDay ? DAYS[d.getUTCDay()] + ' ' + hms : hms;
  }
  function fullTimeText(seconds) {
    if (!calendar) return elapsedText(seconds);
    var d = new Date(data.epoch_ms + Math.floor(seconds) * 1000);
    return DAYS[d.getUTCDay()] + ' ' + d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' +
      pad(d.getUTCDate()) + ' ' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' +
      pad(d.getUTCSeconds());
  }
  function durationText(s) {
    if (s === null || s === undefined || isNaN(s)) return '-';
    var a = Math.abs(s);
    if (a === 0) return '0';
    if (a < 1e-3) return (s * 1e6).toPrecision(3) + 'µs';
    if (a < 1) return (s * 1e3).toPrecision(3) + 'ms';
    if (a < 60) return s.toPrecision(3) + 's';
    return elapsedText(s);
  }
  function valueText(unit, v) {
    if (v === null || v === undefined || isNaN(v)) return '-';
    switch (unit) {
      case 'ratio': return (v * 100).toPrecision(3) + '%';
      case 'seconds': return durationText(v);
      case 'bytes': return (v / 1048576).toPrecision(4) + ' MiB';
      case '1/s': return v.toPrecision(4) + '/s';
      case 'state': return ['closed', 'half-open', 'open'][Math.round(v)] || String(v);
      default: return Number(v.toPrecision(4)).toString();
    }
  }

  document.getElementById('title').textContent = data.scenario;
  document.getElementById('subtitle').textContent = data.file + ', seed ' + data.seed + ': ' +
    (calendar ? fullTimeText(0) + ' to ' + fullTimeText(end) : elapsedText(end) + ' simulated') +
    ', ' + data.scrapes + ' scrapes shown as ' + data.times.length +
    ' points per series (each the min-max band and mean of its scrapes)';

  var xs = data.times.map(xOf);
  var bands = data.bands;
  var BAND_COLORS = { alert: 'rgba(220,40,40,0.16)', fault: 'rgba(120,60,200,0.14)' };
  var LANE_COLORS = { alert: 'rgba(220,40,40,0.75)', fault: 'rgba(120,60,200,0.7)',
                      breaker: 'rgba(230,120,0,0.8)', action: 'rgba(26,127,55,1)' };
  function pixelSpan(g, from, to) {
    var x1 = g.toDomXCoord(xOf(from)), x2 = g.toDomXCoord(xOf(to));
    return [x1, Math.max(x2 - x1, 1)];
  }
  // Alerts and faults shade every panel; actions are vertical lines.
  function shadeBands(canvas, area, g) {
    bands.forEach(function (b) {
      if (b.kind === 'action') {
        canvas.fillStyle = LANE_COLORS.action;
        canvas.fillRect(g.toDomXCoord(xOf(b.from)), area.y, 1, area.h);
      } else if (BAND_COLORS[b.kind]) {
        var s = pixelSpan(g, b.from, b.to);
        canvas.fillStyle = BAND_COLORS[b.kind];
        canvas.fillRect(s[0], area.y, s[1], area.h);
      }
    });
  }
  var xAxis = {
    valueFormatter: function (x) { return fullTimeText(secondsOf(x)); }
  };
  if (!calendar) xAxis.axisLabelFormatter = function (x) { return elapsedText(x); };

  var charts = [];
  var panelCharts = {};
  var panelsElement = document.getElementById('panels');
  data.panels.forEach(function (p) {
    var section = document.createElement('section');
    section.className = 'panel';
    section.id = 'panel-' + p.id;
    var h = document.createElement('h2');
    h.textContent = p.title;
    var chart = document.createElement('div');
    chart.className = 'chart';
    var legend = document.createElement('div');
    legend.className = 'legend';
    section.appendChild(h);
    section.appendChild(chart);
    section.appendChild(legend);
    panelsElement.appendChild(section);
    if (p.series.length === 0) {
      chart.className = 'empty';
      chart.textContent = p.when_empty || 'no data';
      return;
    }
    var rows = xs.map(function (x, i) {
      var row = [x];
      p.series.forEach(function (s) {
        row.push(s.mean[i] === null ? null : [s.min[i], s.mean[i], s.max[i]]);
      });
      return row;
    });
    var seriesOptions = {};
    p.series.forEach(function (s) { if (s.right) seriesOptions[s.label] = { axis: 'y2' }; });
    var axes = {
      x: xAxis,
      y: { valueFormatter: function (v) { return valueText(p.unit, v); },
           axisLabelFormatter: function (v) {
             // A state has names only at whole values.
             return p.unit === 'state' && v !== Math.round(v) ? '' : valueText(p.unit, v);
           } }
    };
    if (p.unit === 'state') axes.y.valueRange = [-0.1, 2.1];
    if (p.right_unit) {
      axes.y2 = { valueFormatter: function (v) { return valueText(p.right_unit, v); },
                  axisLabelFormatter: function (v) { return valueText(p.right_unit, v); } };
    }
    var g = new Dygraph(chart, rows, {
      labels: ['time'].concat(p.series.map(function (s) { return s.label; })),
      customBars: true,
      labelsUTC: true,
      stepPlot: p.step,
      series: seriesOptions,
      axes: axes,
      legend: 'always',
      labelsDiv: legend,
      labelsSeparateLines: false,
      includeZero: true,
      underlayCallback: shadeBands,
      fillAlpha: 0.2
    });
    charts.push(g);
    panelCharts[p.id] = g;
  });

  performance.mark('tpssim-panels');
  // The timeline: one lane per alert rule, fault, breaker, and one for the actions.
  var lanes = [];
  bands.forEach(function (b) { if (lanes.indexOf(b.lane) < 0) lanes.push(b.lane); });
  var timelineElement = document.getElementById('timeline');
  timelineElement.style.height = Math.max(60, 22 * lanes.length + 40) + 'px';
  // Its x range: the scrapes', or the whole run when nothing was scraped.
  var span = xs.length > 0 ? [xs[0], xs[xs.length - 1]] : [xOf(0), xOf(end)];
  var timeline = new Dygraph(timelineElement, [[span[0], 0], [span[1], 0]], {
      labels: ['time', 'lanes'],
      labelsUTC: true,
      axes: { x: xAxis, y: { drawAxis: false, drawGrid: false } },
      visibility: [false],
      valueRange: [0, Math.max(lanes.length, 1)],
      legend: 'never',
      underlayCallback: function (canvas, area, g) {
        var laneHeight = area.h / Math.max(lanes.length, 1);
        canvas.font = '11px sans-serif';
        bands.forEach(function (b) {
          var y = area.y + lanes.indexOf(b.lane) * laneHeight;
          canvas.fillStyle = LANE_COLORS[b.kind] || '#888';
          if (b.kind === 'action') {
            canvas.fillRect(g.toDomXCoord(xOf(b.from)) - 1, y + 2, 3, laneHeight - 4);
          } else {
            var s = pixelSpan(g, b.from, b.to);
            canvas.fillRect(s[0], y + 3, s[1], laneHeight - 6);
          }
        });
        canvas.fillStyle = '#222';
        lanes.forEach(function (lane, i) { canvas.fillText(lane, area.x + 4, area.y + (i + 0.7) * laneHeight); });
      }
    });
  if (lanes.length === 0) {
    document.getElementById('timeline-panel').appendChild(document.createTextNode(
      'no alert fired, no fault, no action, no breaker left closed'));
  }
  var all = charts.concat([timeline]);
  if (all.length > 1) Dygraph.synchronize(all, { zoom: true, selection: true, range: false });

  performance.mark('tpssim-timeline');
  // The slowest traces as waterfalls.
  var tracesElement = document.getElementById('traces');
  document.getElementById('traces-note').textContent = data.traces.length === 0 ?
    'no request was traced' :
    'the ' + data.traces.length + ' slowest of ' + data.traced + ' traced requests, end to end; ' +
    'a bar per span from the request\'s arrival (~: follows from its parent, a queue delivery; ' +
    'outlined: the trace\'s bottleneck, most self time)';
  data.traces.forEach(function (t, i) {
    var d = document.createElement('details');
    d.className = 'trace';
    d.open = i < 3;
    var summary = document.createElement('summary');
    summary.textContent = '#' + (i + 1) + ' trace ' + t.id + ' at ' + clockText(t.start) + ': ' +
      durationText(t.duration) + ' end to end, entry span ' + durationText(t.entry);
    d.appendChild(summary);
    t.spans.forEach(function (s) {
      var row = document.createElement('div');
      row.className = 'span-row';
      var name = document.createElement('div');
      name.className = 'span-name';
      name.style.paddingLeft = (s.depth * 12) + 'px';
      name.textContent = (s.follows ? '~' : '') + s.name + (s.replica === null ? '' : ' #' + s.replica);
      name.title = s.name + ': ' + s.outcome + ', self ' + durationText(s.self);
      var track = document.createElement('div');
      track.className = 'span-track';
      var bar = document.createElement('div');
      bar.className = 'span-bar ' + s.outcome + (s.bottleneck ? ' bottleneck' : '');
      var total = t.duration > 0 ? t.duration : 1;
      bar.style.left = (100 * s.start / total) + '%';
      bar.style.width = (100 * s.duration / total) + '%';
      track.appendChild(bar);
      var dur = document.createElement('div');
      dur.className = 'span-dur';
      dur.textContent = durationText(s.duration);
      row.appendChild(name);
      row.appendChild(track);
      row.appendChild(dur);
      d.appendChild(row);
    });
    tracesElement.appendChild(d);
  });

  performance.mark('tpssim-traces');
  // The event log: a table, filtered by type; the first rows of a long log are drawn.
  var MAX_ROWS = 1000;
  var types = [];
  data.events.forEach(function (e) { if (types.indexOf(e.type) < 0) types.push(e.type); });
  var select = document.getElementById('event-type');
  var chooseAll = 'all but autoscaler';
  [chooseAll, 'all'].concat(types).forEach(function (t) {
    var o = document.createElement('option');
    o.value = t;
    o.textContent = t;
    select.appendChild(o);
  });
  var tbody = document.querySelector('#events tbody');
  function drawEvents() {
    var chosen = select.value;
    var matching = data.events.filter(function (e) {
      return chosen === 'all' || (chosen === chooseAll ? e.type !== 'autoscaler' : e.type === chosen);
    });
    var fragment = document.createDocumentFragment();
    matching.slice(0, MAX_ROWS).forEach(function (e) {
      var tr = document.createElement('tr');
      var details = Object.keys(e).filter(function (k) {
        return k !== 't' && k !== 'time' && k !== 'type' && k !== 'subject';
      }).map(function (k) { return k + '=' + (e[k] === null ? 'null' : e[k]); }).join(', ');
      [clockText(e.t), e.type, e.subject, details].forEach(function (text, c) {
        var td = document.createElement('td');
        if (c === 0) td.className = 'time';
        td.textContent = text;
        tr.appendChild(td);
      });
      fragment.appendChild(tr);
    });
    tbody.textContent = '';
    tbody.appendChild(fragment);
    document.getElementById('events-note').textContent = matching.length + ' event(s)' +
      (matching.length > MAX_ROWS ? ', the first ' + MAX_ROWS + ' shown' : '') +
      (data.events_total > data.events_shown ? '; the page holds the first ' + data.events_shown +
       ' of the run\'s ' + data.events_total + ' (tpssim run --events has them all)' : '');
  }
  select.addEventListener('change', drawEvents);
  drawEvents();

  performance.mark('tpssim-events');
  // drawn_ms: when everything above was built (charts, waterfalls, table), from navigation.
  window.tpssim = { data: data, charts: panelCharts, timeline: timeline, all: all,
                    drawn_ms: performance.now() };
})();
