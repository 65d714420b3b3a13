using System.Globalization;

namespace Portal.Connectors.Rows;

/// <summary>Conversions between cell kinds; text sources (CSV) carry everything as text until a column or transform needs a type.</summary>
public static class CellConvert
{
    public static Cell To(ColumnType type, Cell cell) => cell.IsNull ? cell : type switch
    {
        ColumnType.Text => cell.Kind == CellKind.Text ? cell : Cell.FromText(cell.ToString()),
        ColumnType.Integer => Cell.FromInteger(ToInteger(cell)),
        ColumnType.Real => Cell.FromReal(ToReal(cell)),
        ColumnType.Date => Cell.FromDate(ToDate(cell)),
        ColumnType.Timestamp => Cell.FromTimestamp(ToTimestamp(cell)),
        ColumnType.Boolean => Cell.FromBoolean(ToBoolean(cell)),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static long ToInteger(Cell cell) => cell.Kind switch
    {
        CellKind.Integer => cell.Integer,
        CellKind.Real when cell.Real == Math.Floor(cell.Real) && Math.Abs(cell.Real) < 9e15 => (long)cell.Real,
        CellKind.Text when long.TryParse(cell.Text.Span.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw Mismatch("an integer", cell),
    };

    public static double ToReal(Cell cell) => cell.Kind switch
    {
        CellKind.Real => cell.Real,
        CellKind.Integer => cell.Integer,
        CellKind.Text when double.TryParse(cell.Text.Span.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) => v,
        _ => throw Mismatch("a number", cell),
    };

    public static DateOnly ToDate(Cell cell) => cell.Kind switch
    {
        CellKind.Date => cell.Date,
        CellKind.Timestamp => DateOnly.FromDateTime(cell.Timestamp),
        CellKind.Text when DateOnly.TryParseExact(cell.Text.Span.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) => d,
        CellKind.Text when DateTime.TryParse(cell.Text.Span.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) && cell.Text.Length >= 10 => DateOnly.FromDateTime(t),
        _ => throw Mismatch("an ISO date (yyyy-MM-dd)", cell),
    };

    public static DateTime ToTimestamp(Cell cell) => cell.Kind switch
    {
        CellKind.Timestamp => cell.Timestamp,
        CellKind.Date => cell.Date.ToDateTime(TimeOnly.MinValue),
        CellKind.Text when DateTime.TryParse(cell.Text.Span.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) && cell.Text.Length >= 10 => t,
        _ => throw Mismatch("an ISO timestamp", cell),
    };

    public static bool ToBoolean(Cell cell)
    {
        if (cell.Kind == CellKind.Boolean)
        {
            return cell.Boolean;
        }
        if (cell.Kind == CellKind.Integer && cell.Integer is 0 or 1)
        {
            return cell.Integer == 1;
        }
        if (cell.Kind == CellKind.Text)
        {
            var s = cell.Text.Span.Trim();
            foreach (var yes in TrueWords)
            {
                if (s.Equals(yes, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            foreach (var no in FalseWords)
            {
                if (s.Equals(no, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
        }
        throw Mismatch("a boolean (true/false, yes/no, 1/0)", cell);
    }

    private static readonly string[] TrueWords = ["true", "t", "yes", "y", "1"];
    private static readonly string[] FalseWords = ["false", "f", "no", "n", "0"];

    private static CellConversionException Mismatch(string expected, Cell cell) =>
        new($"expected {expected}, found a {cell.Kind.ToString().ToLowerInvariant()} value that is not one");
}
