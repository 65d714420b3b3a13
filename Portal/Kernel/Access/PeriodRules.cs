namespace Portal.Kernel.Access;

/// <summary>Data use is time-boxed: a requested or granted period starts now or later, ends after it starts, and is not too long.</summary>
public static class PeriodRules
{
    /// <summary>The longest a grant (or a requested period) may run.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(5 * 365 + 1);

    /// <summary>A client's "now" and the server's differ by a request's travel time; a start this close counts as now.</summary>
    public static readonly TimeSpan StartTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Why the period from <paramref name="from"/> until <paramref name="until"/> is refused, or null.</summary>
    public static Failure? Check(DateTimeOffset from, DateTimeOffset? until, DateTimeOffset now, string fromField, string untilField, bool fromMayBePast = false)
    {
        if (until is not { } end)
        {
            return Failure.Invalid("access.period.until_required", untilField, $"{untilField} is required.");
        }
        if (!fromMayBePast && from < now - StartTolerance)
        {
            return Failure.Invalid("access.period.from_in_past", fromField, $"{fromField} lies in the past.");
        }
        if (end <= now)
        {
            return Failure.Invalid("access.period.until_in_past", untilField, $"{untilField} lies in the past.");
        }
        if (end <= from)
        {
            return Failure.Invalid("access.period.until_before_from", untilField, $"{untilField} must come after {fromField}.");
        }
        if (end - from > MaxPeriod || end - now > MaxPeriod)
        {
            return TooLong(untilField);
        }
        return null;
    }

    public static Failure TooLong(string untilField, string? message = null) => Failure.Invalid("access.period.too_long", untilField,
        message ?? $"{untilField} lies more than five years ahead; access is time-boxed, ask again before it ends.");
}
