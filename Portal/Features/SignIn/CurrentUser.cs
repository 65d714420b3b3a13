using System.Security.Claims;

namespace Portal.Features.SignIn;

public static class CurrentUser
{
    /// <summary>The portal user id of a signed-in principal, or null.</summary>
    public static Guid? UserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal?.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
}
