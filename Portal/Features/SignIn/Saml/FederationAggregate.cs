namespace Portal.Features.SignIn.Saml;

/// <summary>
/// A verified federation aggregate: the IdPs it lists and until when the federation vouches for them. Only
/// <see cref="AggregateVerifier"/> makes one, so holding one means the signature and validity were checked.
/// </summary>
public sealed record FederationAggregate(
    string Federation,
    IReadOnlyList<IdentityProvider> Providers,
    DateTimeOffset ValidUntil,
    int SkippedEntities);
