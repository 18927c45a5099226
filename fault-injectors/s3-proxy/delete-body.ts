// Reads the keys of a DeleteObjects request body (`<Delete><Object><Key>…`), so the record sees them deleted.
import { XMLParser } from 'fast-xml-parser';

const parser = new XMLParser({
  parseTagValue: false,
  trimValues: false,
  isArray: (_name, jpath) => jpath === 'Delete.Object',
});

export function parseDeleteKeys(body: Buffer | undefined): string[] {
  if (!body || body.length === 0) return [];
  try {
    const doc = parser.parse(body.toString('utf8')) as { Delete?: { Object?: { Key?: unknown }[] } };
    return (doc.Delete?.Object ?? []).map((o) => String(o.Key ?? '')).filter((k) => k !== '');
  } catch {
    return [];
  }
}
