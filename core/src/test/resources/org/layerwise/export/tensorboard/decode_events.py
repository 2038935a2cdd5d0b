"""Decodes TensorBoard event files independently of the Java writer, for the tests.

usage: python3 decode_events.py DESCRIPTORS.binpb EVENT_FILE...

DESCRIPTORS is the FileDescriptorSet protoc wrote from the same vendored .proto files
(core/src/main/proto); the messages are parsed by Python's protobuf runtime (Debian's
python3-protobuf). The TFRecord framing is read here: for every record the uint64 length
(little-endian), the masked CRC32C of those 8 bytes, the data, the masked CRC32C of the data.
Both CRCs are computed by this file's own CRC32C (Castagnoli, reflected, table-driven) and
checked; a bad CRC, a short record or trailing bytes stop the script with exit code 3.

Prints one JSON object per event file: {"file": ..., "events": [...]} with every event's
wall_time, step, file_version (if set) and summary values: tag, metadata (display name,
description, plugin) and either simple_value or the histogram's fields.
"""
import json
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_POLY = 0x82F63B78  # CRC-32C (Castagnoli), reflected
_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ _POLY if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def masked(crc):
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def fail(msg):
    sys.stderr.write(msg + "\n")
    sys.exit(3)


def records(path):
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    n = 0
    while pos < len(data):
        if len(data) - pos < 12:
            fail("%s: record %d: %d trailing bytes, not a record header" % (path, n, len(data) - pos))
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[pos + 8:pos + 12])
        if length_crc != masked(crc32c(header)):
            fail("%s: record %d: length CRC %08x, expected %08x" % (path, n, length_crc, masked(crc32c(header))))
        body = data[pos + 12:pos + 12 + length]
        if len(body) != length or len(data) < pos + 16 + length:
            fail("%s: record %d: short record (%d of %d bytes)" % (path, n, len(body), length))
        (data_crc,) = struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])
        if data_crc != masked(crc32c(body)):
            fail("%s: record %d: data CRC %08x, expected %08x" % (path, n, data_crc, masked(crc32c(body))))
        yield body
        pos += 16 + length
        n += 1


def event_class(descriptors):
    fds = descriptor_pb2.FileDescriptorSet()
    with open(descriptors, "rb") as f:
        fds.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for fd in fds.file:
        pool.Add(fd)
    desc = pool.FindMessageTypeByName("tensorboard.Event")
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(desc)
    return message_factory.MessageFactory(pool).GetPrototype(desc)


def value_json(v):
    out = {"tag": v.tag}
    if v.HasField("metadata"):
        out["metadata"] = {
            "display_name": v.metadata.display_name,
            "description": v.metadata.summary_description,
            "plugin": v.metadata.plugin_data.plugin_name,
        }
    kind = v.WhichOneof("value")
    if kind == "simple_value":
        out["simple_value"] = v.simple_value
    elif kind == "histo":
        h = v.histo
        out["histo"] = {
            "min": h.min, "max": h.max, "num": h.num, "sum": h.sum, "sum_squares": h.sum_squares,
            "bucket_limit": list(h.bucket_limit), "bucket": list(h.bucket),
        }
    else:
        out["kind"] = kind
    return out


def main():
    if len(sys.argv) < 3:
        fail("usage: decode_events.py DESCRIPTORS.binpb EVENT_FILE...")
    event = event_class(sys.argv[1])
    for path in sys.argv[2:]:
        events = []
        for body in records(path):
            e = event()
            e.ParseFromString(body)
            j = {"wall_time": e.wall_time, "step": e.step}
            what = e.WhichOneof("what")
            if what == "file_version":
                j["file_version"] = e.file_version
            elif what == "summary":
                j["values"] = [value_json(v) for v in e.summary.value]
            else:
                j["what"] = what
            events.append(j)
        print(json.dumps({"file": path, "events": events}, allow_nan=True))


if __name__ == "__main__":
    main()
