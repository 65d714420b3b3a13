namespace Portal.Features.VirtualOrganizations;

/// <summary>Paths of the VO pages, for links in notifications.</summary>
public static class VoLinks
{
    public static string Vo(Guid voId) => $"/vos/{voId}";

    public static string Invitation(string token) => $"/invitations/{token}";
}
