import { Text } from 'ink';

/** Props of {@link Footer}. */
export interface FooterProps {
  paused: boolean;
  status: string | null;
}

/** The keys and the latest notice (e.g. where a checkpoint went). One row. */
export function Footer({ paused, status }: FooterProps) {
  return (
    <Text wrap="truncate">
      <Text bold>q</Text>
      <Text color="gray"> save & quit · </Text>
      <Text bold>p</Text>
      <Text color="gray"> {paused ? 'resume' : 'pause'} · </Text>
      <Text bold>s</Text>
      <Text color="gray"> save checkpoint</Text>
      {status ? <Text color="gray"> │ </Text> : null}
      {status ? <Text color="green">{status}</Text> : null}
    </Text>
  );
}
