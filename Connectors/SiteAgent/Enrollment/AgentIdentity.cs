using System.Security.Cryptography;
using Portal.Connectors.Sites;

namespace Portal.Connectors.SiteAgent.Enrollment;

/// <summary>The agent's id at the portal and its private key, which never leaves the site.</summary>
public sealed class AgentIdentity(string agentId, ECDsa key)
{
    public string AgentId { get; } = agentId;

    public byte[] Sign(ReadOnlySpan<byte> payload) => SiteKeys.Sign(key, payload);
}
