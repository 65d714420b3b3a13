using System.Collections.Concurrent;

namespace Portal.Features.SignIn.Saml;

/// <summary>What one refresh attempt did: the reason code when it failed, and the validity now in use.</summary>
public sealed record FederationRefreshResult(string Federation, bool Succeeded, string? Code, DateTimeOffset? ValidUntil);

/// <summary>
/// Keeps each federation's aggregate fresh: a new copy is fetched at about half the remaining validity, so a
/// federation outage has the other half to be noticed and fixed before anything expires. A failed refresh keeps the
/// current copy and retries with backoff; when the current copy's validUntil passes, its IdPs are dropped, because
/// the federation no longer vouches for their keys.
/// </summary>
public sealed class FederationRefresher(
    SamlSettings settings, SamlIdentityProviders idps, FederationLoader loader, TimeProvider time, ILogger<FederationRefresher> logger)
    : BackgroundService
{
    /// <summary>No refresh comes sooner than this, however short the validity: it bounds load on the federation.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan FirstRetry = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan LongestRetry = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _nextAttempt = new(StringComparer.Ordinal);

    /// <summary>When the next attempt for a federation is due (tests wait for it before moving the clock).</summary>
    public DateTimeOffset? NextAttempt(string federation) => _nextAttempt.TryGetValue(federation, out var at) ? at : null;

    /// <summary>
    /// How long to wait before the next attempt: half the remaining validity after a success; after failures,
    /// doubling retries, but never past the current copy's expiry, so an expired copy is dropped on time.
    /// </summary>
    public static TimeSpan NextDelay(DateTimeOffset? validUntil, int failures, DateTimeOffset now)
    {
        var remaining = validUntil is { } until ? until - now : TimeSpan.Zero;
        if (failures == 0)
        {
            return Max(remaining / 2, MinimumInterval);
        }
        var backoff = TimeSpan.FromTicks(Math.Min(FirstRetry.Ticks * (1L << Math.Min(failures - 1, 20)), LongestRetry.Ticks));
        return remaining > TimeSpan.Zero ? Min(backoff, remaining) : backoff;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(settings.Federations.Select(f => RunAsync(f, stoppingToken)));

    private async Task RunAsync(FederationSource source, CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var delay = NextDelay(idps.Aggregate(source.Name)?.ValidUntil, failures, now);
            _nextAttempt[source.Name] = now + delay;
            try
            {
                await Task.Delay(delay, time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                var result = await RefreshAsync(source, ct);
                failures = result.Succeeded ? 0 : failures + 1;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bug here must not stop the host nor end refreshing: count it as a failed attempt and retry.
                logger.LogError(e, "Federation {Federation}: refresh failed unexpectedly", source.Name);
                failures++;
            }
        }
    }

    /// <summary>One attempt now: on success the new aggregate replaces the old; on failure the old one stays.</summary>
    public async Task<FederationRefreshResult> RefreshAsync(FederationSource source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            var aggregate = await loader.FetchAsync(source, ct);
            idps.Replace(aggregate);
            return new FederationRefreshResult(source.Name, true, null, aggregate.ValidUntil);
        }
        catch (FederationMetadataException e)
        {
            var current = idps.Aggregate(source.Name);
            if (current is not null && current.ValidUntil <= time.GetUtcNow())
            {
                idps.Remove(source.Name);
                logger.LogError("Federation {Federation}: refresh refused ({Code}: {Detail}) and the copy in use expired at {ValidUntil:O}; its IdPs are no longer trusted",
                    source.Name, e.Code, e.Detail, current.ValidUntil);
                return new FederationRefreshResult(source.Name, false, e.Code, null);
            }
            logger.LogWarning("Federation {Federation}: refresh refused ({Code}: {Detail}); keeping the copy valid until {ValidUntil:O}",
                source.Name, e.Code, e.Detail, current?.ValidUntil);
            return new FederationRefreshResult(source.Name, false, e.Code, current?.ValidUntil);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
