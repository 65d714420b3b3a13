namespace Portal.Kernel.Access;

/// <summary>Bounds of the free text people write on requests, decisions and grants, and the required reason.</summary>
public static class TextRules
{
    public const int DescriptionMax = 4000;
    public const int EthicsMax = 200;
    public const int ReasonMax = 2000;

    /// <summary>A text longer than <paramref name="max"/> characters, as a refusal naming the field; null when it fits.</summary>
    public static Failure? TooLong(string? value, int max, string field) =>
        value is not null && value.Length > max
            ? Failure.Invalid("access.text.too_long", field, $"{field} is longer than {max} characters ({value.Length}).")
            : null;

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
