import { Tag } from 'antd';
import type { ReactNode } from 'react';

/**
 * Ant Design's preset colours, with text dark enough to read: its own status tags' text (green-7 on green-1, 3.5:1)
 * is below WCAG AA contrast, its darkest shades (9, over 9:1) are not.
 */
const TONES = {
  success: { color: 'green', text: '#135200' },
  error: { color: 'red', text: '#820014' },
  warning: { color: 'gold', text: '#613400' },
  processing: { color: 'blue', text: '#002c8c' },
  default: { color: undefined, text: undefined },
} as const;

export type Tone = keyof typeof TONES;

/** A state (succeeded, running, paused…) as a tag in its colour. */
export function StatusTag({ tone, children }: { tone: Tone; children: ReactNode }) {
  const { color, text } = TONES[tone];
  return (
    <Tag color={color} style={text ? { color: text } : undefined}>
      {children}
    </Tag>
  );
}
