using System.Security.Claims;
using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;
using Portal.Features.Sites;
using Portal.Features.Sites.Enrollment;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Sites;

/// <summary>What a site agent does at enrollment, done the way the agent does it: a key made here, the code signed with it.</summary>
public static class SiteAgentKit
{
    public static SitesServices Services(PortalFactory portal) => portal.Services.GetRequiredService<SitesServices>();

    /// <summary>The caller a page or endpoint would build for this user (a browser session, no token).</summary>
    public static Caller CallerFor(Guid userId) =>
        Caller.From(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId.ToString())], "test")));

    public static async Task<string> CodeAsync(PortalFactory portal, Guid owner, string name)
    {
        var created = await CreateEnrollmentCode.HandleAsync(Services(portal), CallerFor(owner), new(name), CancellationToken.None);
        Assert.True(created.Succeeded, created.Failure?.Code);
        return created.Value!.Code;
    }

    /// <summary>An enrollment request for this code, signed with <paramref name="signer"/> (the key itself unless a test forges).</summary>
    public static EnrollRequest Request(string code, AsymmetricAlgorithm key, ECDsa? signer = null, string version = "1.0.0", string host = "db01.hospital.example.org")
    {
        ArgumentNullException.ThrowIfNull(key);
        var publicKey = key.ExportSubjectPublicKeyInfo();
        var proof = signer is not null ? SiteKeys.Sign(signer, SignedPayloads.Enrollment(code, publicKey))
            : key is ECDsa ec ? SiteKeys.Sign(ec, SignedPayloads.Enrollment(code, publicKey))
            : new byte[64];
        return new EnrollRequest
        {
            Code = code,
            PublicKey = ByteString.CopyFrom(publicKey),
            Version = version,
            HostName = host,
            Proof = ByteString.CopyFrom(proof),
        };
    }

    public static Task<Outcome<EnrollReply>> EnrollAsync(PortalFactory portal, EnrollRequest request) =>
        EnrollAgent.HandleAsync(Services(portal), request, "192.0.2.10", CancellationToken.None);

    /// <summary>Enrolls a new agent of <paramref name="owner"/> and returns its id.</summary>
    public static async Task<Guid> EnrolledAgentAsync(PortalFactory portal, Guid owner, string name)
    {
        var code = await CodeAsync(portal, owner, name);
        using var key = SiteKeys.Create();
        var reply = await EnrollAsync(portal, Request(code, key));
        Assert.True(reply.Succeeded, reply.Failure?.Code);
        return Guid.Parse(reply.Value!.AgentId);
    }
}
