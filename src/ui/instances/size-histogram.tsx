import * as d3 from 'd3';
import { useEffect, useRef } from 'react';
import type { SizeBin } from '../../session/answers';
import { formatBytesShort, formatInteger } from '../common/format';

const WIDTH = 640;
const HEIGHT = 150;
const MARGIN = { top: 8, right: 8, bottom: 34, left: 56 };

/** Instance sizes of a type as columns over power-of-two bins (D3 draws into a React-owned svg). */
export function SizeHistogram({ bins }: { bins: readonly SizeBin[] }) {
  const svgRef = useRef<SVGSVGElement>(null);
  useEffect(() => {
    if (!svgRef.current) return;
    const svg = d3.select(svgRef.current);
    const labels = bins.map((bin) => (bin.to === 0 ? '0' : `${formatBytesShort(bin.from)}–`));
    const x = d3
      .scaleBand<number>()
      .domain(bins.map((_, i) => i))
      .range([MARGIN.left, WIDTH - MARGIN.right])
      .padding(0.15);
    const y = d3
      .scaleLinear()
      .domain([0, d3.max(bins, (bin) => bin.count) ?? 1])
      .nice()
      .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
    svg
      .select<SVGGElement>('g.bars')
      .selectAll<SVGRectElement, SizeBin>('rect')
      .data(bins)
      .join((enter) => {
        const rect = enter.append('rect').attr('class', 'bar');
        rect.append('title');
        return rect;
      })
      .attr('x', (_, i) => x(i) ?? 0)
      .attr('width', x.bandwidth())
      .attr('y', (bin) => y(bin.count))
      .attr('height', (bin) => y(0) - y(bin.count))
      .select('title')
      .text(
        (bin) => `${formatInteger(bin.count)} objects of ${formatInteger(bin.from)}–${formatInteger(bin.to)} bytes`,
      );
    svg
      .select<SVGGElement>('g.x-axis')
      .attr('transform', `translate(0,${HEIGHT - MARGIN.bottom})`)
      .call(d3.axisBottom(x).tickFormat((i) => labels[i as number] ?? ''));
    svg
      .select<SVGGElement>('g.y-axis')
      .attr('transform', `translate(${MARGIN.left},0)`)
      .call(
        d3
          .axisLeft(y)
          .ticks(4)
          .tickFormat((v) => formatInteger(v as number)),
      );
  }, [bins]);
  return (
    <svg
      ref={svgRef}
      className="size-histogram"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width={WIDTH}
      height={HEIGHT}
      data-testid="size-histogram"
      role="img"
      aria-label="Instance sizes"
    >
      <g className="bars" />
      <g className="x-axis" />
      <g className="y-axis" />
    </svg>
  );
}
