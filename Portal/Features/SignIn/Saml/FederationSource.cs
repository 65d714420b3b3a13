using System.Security.Cryptography.X509Certificates;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// One configured federation (<c>Saml:Federations:&lt;name&gt;</c>): where its aggregate comes from, the one
/// certificate allowed to sign it, and where the last verified copy is kept on disk.
/// </summary>
public sealed record FederationSource(string Name, string Metadata, X509Certificate2 SigningCertificate, string CachePath);
