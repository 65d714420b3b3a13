using Google.Protobuf;
using Grpc.Core;
using Portal.Connectors.SiteAgent.Enrollment;
using Portal.Connectors.SiteAgent.Link;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Connectors.SiteAgent.Commands;

/// <summary>
/// enroll --portal URL --code CODE --state DIR: makes the agent's key pair here (the private key never leaves this
/// folder), registers its public half with the owner's one-time code and pins the portal's order-signing key.
/// </summary>
public static class EnrollCommand
{
    public static async Task<int> RunAsync(IEnumerable<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var a = new CommandArguments(args, "portal", "code", "state");
        var portal = a.Required("portal");
        var code = a.Required("code");
        var state = Path.GetFullPath(a.Required("state"));
        if (!Uri.TryCreate(portal, UriKind.Absolute, out var portalUri) || portalUri.Scheme is not ("http" or "https"))
        {
            throw new SiteAgentException($"--portal must be an http:// or https:// address, not '{portal}'");
        }
        if (EnrollmentState.Exists(state))
        {
            throw new SiteAgentException($"{state} already holds an enrollment; use a new state folder to enroll again");
        }
        CreatePrivateDirectory(state);
        var keyPath = Path.Combine(state, EnrollmentState.KeyFileName);
        // A key left by an enrollment the portal refused is reused: it was made here and never used.
        using var key = File.Exists(keyPath) ? SiteKeys.ReadPrivateKey(keyPath) : SiteKeys.Create();
        if (!File.Exists(keyPath))
        {
            SiteKeys.WritePrivateKey(key, keyPath);
        }
        var publicKey = key.ExportSubjectPublicKeyInfo();
        EnrollReply reply;
        using (var channel = LinkClient.Channel(portalUri))
        {
            try
            {
                reply = await new SiteLink.SiteLinkClient(channel).EnrollAsync(new EnrollRequest
                {
                    Code = code,
                    PublicKey = ByteString.CopyFrom(publicKey),
                    Version = AgentVersion.Current,
                    HostName = Environment.MachineName,
                    Proof = ByteString.CopyFrom(SiteKeys.Sign(key, SignedPayloads.Enrollment(code, publicKey))),
                }, cancellationToken: cancellationToken);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                throw new SiteAgentException($"cannot reach the portal at {portalUri} ({e.StatusCode}): {e.Status.Detail}");
            }
            catch (RpcException e)
            {
                throw new SiteAgentException($"the portal refused the enrollment ({e.StatusCode}): {e.Status.Detail}");
            }
        }
        if (string.IsNullOrEmpty(reply.AgentId) || reply.OrderKey.IsEmpty)
        {
            throw new SiteAgentException("the portal's answer names no agent id or no order key");
        }
        // The portal signs and checks with the id's canonical spelling ("D"), so the agent keeps that one.
        var agentId = Guid.TryParse(reply.AgentId, out var id) ? id.ToString("D") : reply.AgentId;
        new EnrollmentState
        {
            AgentId = agentId,
            Name = reply.Name,
            Portal = portalUri.ToString(),
            OrderKey = reply.OrderKey.ToBase64(),
            PortalId = reply.PortalId,
            EnrolledAt = DateTimeOffset.UtcNow,
        }.Write(state);
        await output.WriteLineAsync($"enrolled as agent {agentId} ({reply.Name}); pinned the portal's order key {SiteKeys.Fingerprint(reply.OrderKey.Span)}").ConfigureAwait(false);
        return 0;
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
