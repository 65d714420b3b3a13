namespace Portal.Policy.Model;

public enum DatasetAvailability : byte
{
    Active,
    Withdrawn,
}
