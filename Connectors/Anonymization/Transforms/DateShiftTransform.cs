using System.Buffers.Binary;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>
/// Moves every date of one subject by the same offset (derived from the grant key and the subject id),
/// so intervals within a subject's record survive while calendar dates do not.
/// </summary>
internal sealed class DateShiftTransform(byte[] key, int maxDays) : ColumnTransform
{
    private readonly KeyedHash _hash = new(key, "date-shift");

    public override string Describe() => $"dateShift(±{maxDays} days per subject)";

    public override ColumnType OutputType(ColumnType input) => input == ColumnType.Timestamp ? ColumnType.Timestamp : ColumnType.Date;

    public override bool Accepts(ColumnType input) => IsTemporal(input);

    public int OffsetDays(Cell subject)
    {
        Span<byte> mac = stackalloc byte[32];
        _hash.Compute(subject, Cell.Null, mac);
        var span = (2 * maxDays) + 1;
        return (int)(BinaryPrimitives.ReadUInt64LittleEndian(mac) % (ulong)span) - maxDays;
    }

    public override Cell Apply(Cell value, Cell subject)
    {
        if (value.IsNull)
        {
            return value;
        }
        if (subject.IsNull)
        {
            // Without a subject there is no consistent offset to apply: publishing the true date would be worse.
            return Cell.Null;
        }
        var offset = OffsetDays(subject);
        return value.Kind == CellKind.Timestamp
            ? Cell.FromTimestamp(value.Timestamp.AddDays(offset))
            : Cell.FromDate(CellConvert.ToDate(value).AddDays(offset));
    }
}
