/** FastSerialization tag bytes (gcdump spec §2.4). */
export const Tag = {
  Error: 0x00,
  NullReference: 0x01,
  ObjectReference: 0x02,
  ForwardReference: 0x03,
  BeginObject: 0x04,
  BeginPrivateObject: 0x05,
  EndObject: 0x06,
  ForwardDefinition: 0x07,
  Byte: 0x08,
  Int16: 0x09,
  Int32: 0x0a,
  Int64: 0x0b,
  SkipRegion: 0x0c,
  String: 0x0d,
  Blob: 0x0e,
} as const;
