/*
 * Draws the dashboard's charts with Chart.js (served from /assets/vendor, no CDN). Each
 * <canvas data-spec="…"> carries its chart as JSON, built on the server (dashboard-charts.ts);
 * this file only maps that spec to a Chart.js configuration. No inline script, so the page's
 * Content-Security-Policy stays strict. The numbers are in the table under each chart as well.
 */
/* global document, window */
(function () {
  'use strict';
  if (typeof window.Chart !== 'function') return;

  function formatterOf(spec) {
    var decimals = new Intl.NumberFormat(spec.locale, { maximumFractionDigits: 2 });
    var counts = new Intl.NumberFormat(spec.locale, { maximumFractionDigits: 0 });
    return function (value) {
      if (value === null || value === undefined) return '—';
      if (spec.unit === 'percent') return decimals.format(value) + '%';
      if (spec.unit === 'money') return decimals.format(value);
      return counts.format(value);
    };
  }

  function configOf(spec) {
    var format = formatterOf(spec);
    var valueAxis = spec.horizontal ? 'x' : 'y';
    var categoryAxis = spec.horizontal ? 'y' : 'x';
    var scales = {};
    scales[valueAxis] = { beginAtZero: true, stacked: spec.kind === 'stacked', ticks: { callback: function (value) { return format(value); } } };
    if (spec.kind === 'line' && spec.unit === 'percent') scales[valueAxis].suggestedMax = 100;
    if (spec.unit === 'count') scales[valueAxis].ticks.precision = 0;
    scales[categoryAxis] = { stacked: spec.kind === 'stacked', ticks: { autoSkip: true, maxRotation: 0 } };
    return {
      type: spec.kind === 'line' ? 'line' : 'bar',
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (dataset) {
          return {
            label: dataset.label,
            data: dataset.data,
            backgroundColor: dataset.color,
            borderColor: dataset.color,
            borderWidth: spec.kind === 'line' ? 2.5 : 0,
            pointRadius: spec.kind === 'line' ? 3 : undefined,
            spanGaps: true,
          };
        }),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? 'y' : 'x',
        scales: scales,
        plugins: {
          // One series explains itself through the chart's title; several need a legend.
          legend: { display: spec.datasets.length > 1, position: 'bottom' },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ': ' + format(item.raw);
              },
            },
          },
        },
        onClick: spec.links
          ? function (_event, elements) {
              var link = elements.length > 0 ? spec.links[elements[0].index] : null;
              if (link) window.location.assign(link);
            }
          : undefined,
        onHover: spec.links
          ? function (event, elements) {
              event.native.target.style.cursor = elements.length > 0 ? 'pointer' : 'default';
            }
          : undefined,
      },
    };
  }

  document.querySelectorAll('canvas[data-spec]').forEach(function (canvas) {
    try {
      new window.Chart(canvas, configOf(JSON.parse(canvas.getAttribute('data-spec'))));
    } catch (error) {
      // A chart that cannot be drawn leaves its table, which has the same numbers.
      canvas.parentElement.hidden = true;
      if (window.console) window.console.error('dashboard chart', canvas.getAttribute('data-chart'), error);
    }
  });
})();
