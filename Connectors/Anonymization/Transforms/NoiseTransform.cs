using System.Buffers.Binary;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>
/// Adds bounded uniform noise. The noise is keyed (grant key, column, subject, value) rather than random, so
/// downloading the same export again yields the same values: averaging repeated downloads reveals nothing.
/// </summary>
internal sealed class NoiseTransform(byte[] key, string column, double bound) : ColumnTransform
{
    private readonly KeyedHash _hash = new(key, "noise/" + column);

    public override string Describe() => $"noise(±{bound.ToString(System.Globalization.CultureInfo.InvariantCulture)})";

    public override bool Accepts(ColumnType input) => IsNumeric(input);

    public override ColumnType OutputType(ColumnType input) => input == ColumnType.Integer ? ColumnType.Integer : ColumnType.Real;

    public override Cell Apply(Cell value, Cell subject)
    {
        if (value.IsNull)
        {
            return value;
        }
        Span<byte> mac = stackalloc byte[32];
        _hash.Compute(subject, value, mac);
        var unit = (BinaryPrimitives.ReadUInt64LittleEndian(mac) >> 11) * (1.0 / (1UL << 53));
        var noise = ((2 * unit) - 1) * bound;
        if (value.Kind == CellKind.Integer)
        {
            var rounded = (long)Math.Round(noise);
            rounded = Math.Clamp(rounded, -(long)Math.Floor(bound), (long)Math.Floor(bound));
            return Cell.FromInteger(value.Integer + rounded);
        }
        return Cell.FromReal(CellConvert.ToReal(value) + noise);
    }
}
