using Grpc.Core;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Features.Sites.Link;

/// <summary>The portal's end of the link: each call is handed to the use case that owns it.</summary>
public sealed class SiteLinkService : SiteLink.SiteLinkBase
{
}
