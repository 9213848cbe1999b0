import * as d3 from 'd3';
import { useEffect, useRef } from 'react';
import type { ByteCategory } from '../../session/answers';
import { visibleText } from '../../session/visible-text';
import { formatBytesShort, formatInteger, formatPercent } from './format';

const BAR_HEIGHT = 22;
const BAR_GAP = 6;
const LABEL_WIDTH = 230;
const VALUE_WIDTH = 150;
const CHART_WIDTH = 760;
/** Longest label that fits LABEL_WIDTH at the chart's font size; longer namespaces are shortened (the tooltip has them whole). */
const MAX_LABEL_CHARS = 36;

function shortLabel(label: string): string {
  return label.length > MAX_LABEL_CHARS ? `${label.slice(0, MAX_LABEL_CHARS - 1)}…` : label;
}

/**
 * Horizontal bars of where the bytes are. React owns the <svg>; D3 draws inside it (a data join
 * keyed by label), so re-rendering with new data updates the bars instead of stacking new ones.
 * Labels are set with `.text()`: namespaces come from the dump and are untrusted text.
 */
export function ByteChart({ categories, totalBytes }: { categories: readonly ByteCategory[]; totalBytes: number }) {
  const svgRef = useRef<SVGSVGElement>(null);
  const height = Math.max(1, categories.length) * (BAR_HEIGHT + BAR_GAP);

  useEffect(() => {
    const svg = d3.select(svgRef.current);
    if (svgRef.current === null) return;
    const maxBytes = d3.max(categories, (category) => category.bytes) ?? 0;
    const x = d3
      .scaleLinear()
      .domain([0, maxBytes || 1])
      .range([0, CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH]);
    const y = (index: number) => index * (BAR_HEIGHT + BAR_GAP);

    const rows = svg
      .selectAll<SVGGElement, ByteCategory>('g.chart-row')
      .data(categories, (category) => `${category.id}:${category.label}`)
      .join((enter) => {
        const row = enter.append('g').attr('class', 'chart-row');
        row.append('text').attr('class', 'chart-label');
        row.append('rect').attr('class', 'bar');
        row.append('text').attr('class', 'chart-value');
        row.append('title');
        return row;
      });
    rows.attr('transform', (_, index) => `translate(0,${y(index)})`).attr('data-category', (d) => d.id);
    rows
      .select<SVGTextElement>('text.chart-label')
      .attr('x', LABEL_WIDTH - 8)
      .attr('y', BAR_HEIGHT / 2)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'end')
      .text((d) => shortLabel(visibleText(d.label)));
    rows
      .select<SVGRectElement>('rect.bar')
      .attr('x', LABEL_WIDTH)
      .attr('height', BAR_HEIGHT)
      .attr('width', (d) => Math.max(1, x(d.bytes)))
      .attr('class', (d) => `bar bar-${d.id}`);
    rows
      .select<SVGTextElement>('text.chart-value')
      .attr('x', (d) => LABEL_WIDTH + Math.max(1, x(d.bytes)) + 6)
      .attr('y', BAR_HEIGHT / 2)
      .attr('dy', '0.35em')
      .text(
        (d) => `${formatBytesShort(d.bytes)} · ${formatPercent(totalBytes > 0 ? (d.bytes / totalBytes) * 100 : 0)}`,
      );
    rows
      .select('title')
      .text((d) => `${visibleText(d.label)}: ${formatInteger(d.bytes)} bytes in ${formatInteger(d.count)} objects`);
  }, [categories, totalBytes]);

  return (
    <svg
      ref={svgRef}
      className="byte-chart"
      data-testid="byte-chart"
      viewBox={`0 0 ${CHART_WIDTH} ${height}`}
      width={CHART_WIDTH}
      height={height}
      role="img"
      aria-label="Bytes by category"
    />
  );
}
