namespace Portal.Policy.Model;

public enum Effect : byte
{
    Deny,
    Permit,
}
