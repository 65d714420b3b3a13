using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>The demo portal with small API and sign-in limits, so tests reach them in a few calls.</summary>
public sealed class LimitedPortalFactory : PortalFactory
{
    public const int ApiPermits = 8;
    public const int SignInStarts = 6;
    public const int MaxPending = 3;

    protected override bool SeedDemo => true;

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
    [
        new("RateLimits:Api:PermitsPerMinute", ApiPermits.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("RateLimits:SignInStart:PermitsPerMinute", SignInStarts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Saml:MaxPendingSignIns", MaxPending.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}

/// <summary>The portal as deployed: not Development, its public URL configured.</summary>
public sealed class ProductionPortalFactory : PortalFactory
{
    protected override string EnvironmentName => "Production";
}
