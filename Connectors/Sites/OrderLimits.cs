namespace Portal.Connectors.Sites;

/// <summary>What both ends of the link hold an order to.</summary>
public static class OrderLimits
{
    /// <summary>An order is good for at most this long after it is issued; the agent refuses a longer one.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromSeconds(60);

    /// <summary>Clocks at the site and the portal may differ by this much before an order counts as not yet issued.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    /// <summary>Bytes per Data chunk of a delivery: large enough that framing costs nothing, small enough to keep memory flat.</summary>
    public const int ChunkBytes = 64 * 1024;
}
