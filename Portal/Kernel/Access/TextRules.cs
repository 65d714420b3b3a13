namespace Portal.Kernel.Access;

/// <summary>Bounds of the free text people write on requests, decisions and grants, and the required reason.</summary>
public static class TextRules
{
    public const int DescriptionMax = 4000;
    public const int EthicsMax = 200;
    public const int ReasonMax = 2000;

    /// <summary>The code of a NUL in any text: PostgreSQL cannot store it, so it is refused before it reaches a query.</summary>
    public const string NulCode = "request.nul_character";

    /// <summary>A text longer than <paramref name="max"/> characters, as a refusal naming the field; null when it fits.</summary>
    public static Failure? TooLong(string? value, int max, string field) =>
        Nul(value, field) ?? (value is not null && value.Length > max
            ? Failure.Invalid("access.text.too_long", field, $"{field} is longer than {max} characters ({value.Length}).")
            : null);

    /// <summary>
    /// A NUL in free text (descriptions, messages, reasons): the request guard refuses it in HTTP bodies, this refuses it
    /// where pages call the use cases directly.
    /// </summary>
    public static Failure? Nul(string? value, string field) =>
        value is not null && value.Contains('\0', StringComparison.Ordinal)
            ? Failure.Invalid(NulCode, field, $"{field} contains a NUL character.")
            : null;

    /// <summary>
    /// A name (of a VO, a dataset, a token, a database object) that holds a character people cannot see or that makes it
    /// read differently from what it is: a C0 or C1 control (NUL, BEL, CR, LF, …) or a bidi embedding, override or
    /// isolate. Names are shown to everyone in lists, mails and headers, so they are refused with
    /// <paramref name="code"/>, the field's own code; null when the name is clean.
    /// </summary>
    public static Failure? NameCharacters(string? value, string code, string field) =>
        value is not null && UnsafeInName(value) is { } bad
            ? Failure.Invalid(code, field, $"{field} contains an invisible or direction-changing character (U+{(int)bad:X4}); use visible characters only.")
            : null;

    /// <summary>The first character a name may not hold, or null.</summary>
    public static char? UnsafeInName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            if (char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')
            {
                return c;
            }
        }
        return null;
    }

    /// <summary>A required reason ("reason"), trimmed and bounded; <paramref name="told"/> says who reads it.</summary>
    public static Outcome<string> Reason(string? value, string told)
    {
        var reason = value?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            return Failure.Invalid("access.reason.required", "reason", $"reason is required: {told} why.");
        }
        return TooLong(reason, ReasonMax, "reason") is { } tooLong ? tooLong : reason;
    }
}
