import { Tag } from 'antd';
import type { ReactNode } from 'react';

/** The relative luminance of a `#rrggbb` colour (WCAG 2.1). */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r = 0, g = 0, b = 0] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Black or white, whichever reads better on `background` (either gives at least 4.5:1 on any colour). */
export function textColourOn(background: string): string {
  if (!/^#[0-9a-f]{6}$/i.test(background)) return '#000000';
  const l = luminance(background);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

/** A label as a tag in its colour (a label without a valid colour is shown plain). */
export function LabelTag({ name, color }: { name: ReactNode; color?: string | undefined }) {
  const valid = color !== undefined && /^#[0-9a-f]{6}$/i.test(color);
  return (
    <Tag color={valid ? color : undefined} style={valid ? { color: textColourOn(color) } : undefined}>
      {name}
    </Tag>
  );
}
