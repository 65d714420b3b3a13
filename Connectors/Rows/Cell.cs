using System.Globalization;
using System.Runtime.CompilerServices;

namespace Portal.Connectors.Rows;

public enum CellKind : byte
{
    Null,
    Text,
    Integer,
    Real,
    Date,
    Timestamp,
    Boolean,
}

/// <summary>
/// One value of one row. A struct with the scalar packed into one long so that rows of
/// numbers and dates cost no allocation; text is a slice so that transforms can hand out
/// views of their reusable buffers (valid until the next row).
/// </summary>
public readonly struct Cell : IEquatable<Cell>
{
    private readonly long _bits;

    private Cell(CellKind kind, long bits, ReadOnlyMemory<char> text)
    {
        Kind = kind;
        _bits = bits;
        Text = text;
    }

    public CellKind Kind { get; }
    public ReadOnlyMemory<char> Text { get; }
    public bool IsNull => Kind == CellKind.Null;
    public long Integer => _bits;
    public double Real => BitConverter.Int64BitsToDouble(_bits);
    public DateOnly Date => DateOnly.FromDayNumber((int)_bits);
    public DateTime Timestamp => new(_bits, DateTimeKind.Unspecified);
    public bool Boolean => _bits != 0;

    /// <summary>The scalar as stored (integer, double bits, day number, ticks, 0/1), for compact buffering.</summary>
    internal long Bits => _bits;

    public static Cell Null => default;
    public static Cell FromText(string? text) => text is null ? default : new(CellKind.Text, 0, text.AsMemory());
    public static Cell FromText(ReadOnlyMemory<char> text) => new(CellKind.Text, 0, text);
    public static Cell FromInteger(long value) => new(CellKind.Integer, value, default);
    public static Cell FromReal(double value) => new(CellKind.Real, BitConverter.DoubleToInt64Bits(value), default);
    public static Cell FromDate(DateOnly value) => new(CellKind.Date, value.DayNumber, default);
    public static Cell FromTimestamp(DateTime value) => new(CellKind.Timestamp, value.Ticks, default);
    public static Cell FromBoolean(bool value) => new(CellKind.Boolean, value ? 1 : 0, default);

    /// <summary>The inverse of <see cref="Bits"/> for a scalar kind.</summary>
    internal static Cell FromBits(CellKind kind, long bits) => new(kind, bits, default);

    /// <summary>Canonical text form (invariant culture, ISO dates); used by writers, pseudonyms and class keys alike.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryFormat(Span<char> destination, out int written)
    {
        switch (Kind)
        {
            case CellKind.Null:
                written = 0;
                return true;
            case CellKind.Text:
                written = Text.Length;
                return Text.Span.TryCopyTo(destination);
            case CellKind.Integer:
                return _bits.TryFormat(destination, out written, default, CultureInfo.InvariantCulture);
            case CellKind.Real:
                return Real.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);
            case CellKind.Date:
                return TryFormatDate(Date, destination, out written);
            case CellKind.Timestamp:
                return Timestamp.TryFormat(destination, out written, "yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
            case CellKind.Boolean:
                return (Boolean ? "true" : "false").AsSpan().TryCopyTo(destination) & SetWritten(Boolean ? 4 : 5, out written);
            default:
                written = 0;
                return false;
        }
    }

    /// <summary>"yyyy-MM-dd" by hand: the custom-format path parses the pattern on every call, and writers format a date per row.</summary>
    private static bool TryFormatDate(DateOnly date, Span<char> destination, out int written)
    {
        written = 0;
        if (destination.Length < 10)
        {
            return false;
        }
        date.Deconstruct(out var year, out var month, out var day);
        destination[0] = (char)('0' + (year / 1000));
        destination[1] = (char)('0' + (year / 100 % 10));
        destination[2] = (char)('0' + (year / 10 % 10));
        destination[3] = (char)('0' + (year % 10));
        destination[4] = '-';
        destination[5] = (char)('0' + (month / 10));
        destination[6] = (char)('0' + (month % 10));
        destination[7] = '-';
        destination[8] = (char)('0' + (day / 10));
        destination[9] = (char)('0' + (day % 10));
        written = 10;
        return true;
    }

    private static bool SetWritten(int value, out int written)
    {
        written = value;
        return true;
    }

    /// <summary>Upper bound of the characters <see cref="TryFormat"/> needs.</summary>
    public int MaxFormattedLength => Kind == CellKind.Text ? Text.Length : 40;

    public override string ToString()
    {
        if (Kind == CellKind.Text)
        {
            return Text.ToString();
        }
        Span<char> buffer = stackalloc char[40];
        return TryFormat(buffer, out var n) ? new string(buffer[..n]) : string.Empty;
    }

    public bool Equals(Cell other) =>
        Kind == other.Kind && _bits == other._bits && Text.Span.SequenceEqual(other.Text.Span);

    public override bool Equals(object? obj) => obj is Cell other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Kind, _bits, string.GetHashCode(Text.Span));

    public static bool operator ==(Cell left, Cell right) => left.Equals(right);

    public static bool operator !=(Cell left, Cell right) => !left.Equals(right);
}
