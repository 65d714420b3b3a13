namespace Portal.Connectors.SiteAgent.Link;

/// <summary>
/// Exponential backoff with full jitter (a random wait between zero and the ceiling): when a portal restarts, its
/// agents come back spread over the window instead of all at once.
/// </summary>
public sealed class Backoff(TimeSpan initial, TimeSpan maximum, Random? random = null)
{
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(0.5);
    public static readonly TimeSpan Maximum = TimeSpan.FromSeconds(30);

    private readonly Random _random = random ?? Random.Shared;

    public Backoff()
        : this(Initial, Maximum)
    {
    }

    public TimeSpan Max => maximum;

    /// <summary>The ceiling of attempt <paramref name="attempt"/> (0-based): initial × 2^attempt, at most the maximum.</summary>
    public TimeSpan Ceiling(int attempt) =>
        TimeSpan.FromTicks((long)Math.Min(maximum.Ticks, initial.Ticks * Math.Pow(2, Math.Min(attempt, 30))));

    public TimeSpan Next(int attempt) => TimeSpan.FromTicks((long)(_random.NextDouble() * Ceiling(attempt).Ticks));
}
