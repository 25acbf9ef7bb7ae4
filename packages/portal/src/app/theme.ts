import type { ThemeConfig } from 'antd';

/**
 * Ant Design's default palette with the contrast WCAG 2.1 AA asks of text (4.5:1 against its background), found
 * wanting by axe-core in the portal's end-to-end tests: the default primary blue (#1677ff) under white button text is
 * 4.0:1, and secondary text at 45 % black on white is 4.0:1, and the red of danger buttons (#ff4d4f) 3.3:1. The primary and error
 * colours are Ant Design's own darker blue and red (blue-7, 6.1:1; red-7, 5.9:1); secondary text is a darker grey.
 * A default button under the mouse takes the primary hover colour for its text, by default a lighter blue derived from
 * the primary (3.6:1): it is blue-8 here (8.6:1), darker rather than lighter on hover.
 */
export const THEME: ThemeConfig = {
  token: {
    colorPrimary: '#0958d9',
    colorPrimaryHover: '#003eb3',
    colorError: '#cf1322',
    colorLink: '#0958d9',
    colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
  },
  components: {
    // An empty table says so in the disabled grey (25 % black, 1.9:1); it is text to read, not a disabled control.
    Table: { colorTextDisabled: 'rgba(0, 0, 0, 0.6)' },
  },
};
