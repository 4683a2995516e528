import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

/** Props of {@link Panel}. */
export interface PanelProps {
  title: string;
  /** Outer width in cells, borders included. */
  width: number;
  children?: ReactNode;
}

/**
 * A rounded box with its title set into the top border (`╭─ Loss ───╮`), which saves the row a
 * separate title line would take. Height: content rows + 2.
 */
export function Panel({ title, width, children }: PanelProps) {
  const fill = Math.max(0, width - title.length - 5);
  return (
    <Box flexDirection="column" width={width} flexShrink={0}>
      <Text wrap="truncate">
        <Text color="gray">╭─ </Text>
        <Text bold>{title}</Text>
        <Text color="gray"> {'─'.repeat(fill)}╮</Text>
      </Text>
      <Box
        borderStyle="round"
        borderTop={false}
        borderColor="gray"
        width={width}
        flexDirection="column"
        flexGrow={1}
      >
        {children}
      </Box>
    </Box>
  );
}

/** Several lines of pre-rendered text (ANSI escapes allowed), clipped to the width. */
export function Lines({ lines }: { lines: readonly string[] }) {
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
        <Text key={i} wrap="truncate">
          {l}
        </Text>
      ))}
    </Box>
  );
}
