using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// Accepts a federation aggregate (an <c>md:EntitiesDescriptor</c>) only when the federation's configured certificate
/// signed the whole of it and the federation still vouches for it. The order matters: the signature is checked
/// before anything is read, validUntil is read only from the verified root, and entities only below it.
/// </summary>
public static class AggregateVerifier
{
    /// <summary>
    /// Longest validity accepted. A federation that signs for longer makes a stolen or withdrawn copy replayable for
    /// longer; eduGAIN and most national federations sign for 14 to 28 days.
    /// </summary>
    public static readonly TimeSpan MaxValidity = TimeSpan.FromDays(28);

    public static FederationAggregate Verify(string federation, byte[] xml, X509Certificate2 signingCertificate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(xml);
        ArgumentNullException.ThrowIfNull(signingCertificate);
        try
        {
            var root = SignedRoot(xml, signingCertificate);
            var validUntil = SafeXml.Instant(root, "validUntil")
                ?? throw new FederationMetadataException(FederationReasons.ValidUntilMissing,
                    "the aggregate has no validUntil, so it would be trusted forever");
            if (validUntil <= now)
            {
                throw new FederationMetadataException(FederationReasons.Expired, $"validUntil {validUntil:O} has passed (now {now:O})");
            }
            if (validUntil - now > MaxValidity)
            {
                throw new FederationMetadataException(FederationReasons.ValidityTooLong,
                    $"validUntil {validUntil:O} is more than {MaxValidity.TotalDays:0} days ahead");
            }
            var (providers, skipped) = ReadProviders(root, now);
            if (providers.Count == 0)
            {
                // An aggregate without a single IdP is of no use to an SP; refusing it keeps the last good copy.
                throw new FederationMetadataException(FederationReasons.NoIdentityProviders, "the aggregate lists no SAML 2.0 IdP");
            }
            return new FederationAggregate(federation, providers, validUntil, skipped);
        }
        catch (SamlValidationException e)
        {
            throw new FederationMetadataException(FederationReasons.FromSaml(e.Code), e.Detail ?? e.Code, e);
        }
    }

    private static XmlElement SignedRoot(byte[] xml, X509Certificate2 signingCertificate)
    {
        var root = SafeXml.Load(xml).DocumentElement
            ?? throw new FederationMetadataException(FederationReasons.Root, "the document is empty");
        if (root.LocalName != "EntitiesDescriptor" || root.NamespaceURI != SamlNames.Metadata)
        {
            throw new FederationMetadataException(FederationReasons.Root, $"expected md:EntitiesDescriptor, found {root.Name}");
        }
        // Exactly one signature directly on the root, referencing the root's own ID. Signatures an entity may carry
        // inside are part of the content the root signature covers and are not used for anything.
        var signatures = SafeXml.Children(root, SamlNames.DSig, "Signature").ToList();
        if (signatures.Count == 0)
        {
            throw new FederationMetadataException(FederationReasons.SignatureMissing, "the aggregate is not signed");
        }
        if (signatures.Count > 1)
        {
            throw new SamlValidationException(SamlReasons.SignatureWrapping, "the aggregate root carries more than one signature");
        }
        SignatureChecks.Verify(root, signatures[0], [signingCertificate], allowSha1: false);
        return root;
    }

    private static (List<IdentityProvider> Providers, int Skipped) ReadProviders(XmlElement root, DateTimeOffset now)
    {
        var providers = new List<IdentityProvider>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var skipped = 0;
        Walk(root);
        return (providers, skipped);

        void Walk(XmlElement group)
        {
            foreach (var child in SafeXml.ChildElements(group))
            {
                if (child.NamespaceURI != SamlNames.Metadata)
                {
                    continue;
                }
                if (child.LocalName == "EntitiesDescriptor")
                {
                    // A nested group may expire before the aggregate does; its entities go with it.
                    if (SafeXml.Instant(child, "validUntil") is { } groupUntil && groupUntil <= now)
                    {
                        skipped++;
                        continue;
                    }
                    Walk(child);
                }
                else if (child.LocalName == "EntityDescriptor")
                {
                    Read(child);
                }
            }
        }

        void Read(XmlElement entity)
        {
            IdentityProvider? idp;
            try
            {
                idp = IdpMetadataReader.ReadEntity(entity);
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or CryptographicException or SamlValidationException)
            {
                // One broken entity among thousands must not take the federation down; it is simply not trusted.
                skipped++;
                return;
            }
            if (idp is null)
            {
                return; // an SP, an attribute authority: nothing this SP signs in with
            }
            if (SafeXml.Instant(entity, "validUntil") is { } entityUntil && entityUntil <= now)
            {
                skipped++;
                return;
            }
            // The first occurrence wins; a later duplicate cannot replace the keys of an entity already read.
            if (!seen.Add(idp.EntityId))
            {
                skipped++;
                return;
            }
            providers.Add(idp);
        }
    }
}
