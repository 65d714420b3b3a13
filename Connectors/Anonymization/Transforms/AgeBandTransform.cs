using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>Age → "30-39"; ages at or above the top code → "90+" (HIPAA Safe Harbor aggregates 90 and over).</summary>
internal sealed class AgeBandTransform(int width, int topCode) : ColumnTransform
{
    private readonly CharBuffer _buffer = new();

    public override string Describe() => $"ageBand(width={width}, topCode={topCode}+)";

    public override bool Accepts(ColumnType input) => input is ColumnType.Integer or ColumnType.Real or ColumnType.Text;

    public override Cell Apply(Cell value, Cell subject)
    {
        if (value.IsNull)
        {
            return value;
        }
        var age = (long)Math.Floor(CellConvert.ToReal(value));
        if (age < 0)
        {
            throw new CellConversionException("an age cannot be negative");
        }
        var output = _buffer.Get(48);
        int n;
        if (age >= topCode)
        {
            topCode.TryFormat(output, out n, default, System.Globalization.CultureInfo.InvariantCulture);
            output[n++] = '+';
            return Cell.FromText(_buffer.Slice(n));
        }
        var low = age / width * width;
        var high = Math.Min(low + width - 1, topCode - 1);
        low.TryFormat(output, out n, default, System.Globalization.CultureInfo.InvariantCulture);
        if (high != low)
        {
            output[n++] = '-';
            high.TryFormat(output[n..], out var m, default, System.Globalization.CultureInfo.InvariantCulture);
            n += m;
        }
        return Cell.FromText(_buffer.Slice(n));
    }
}
