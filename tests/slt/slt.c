/* sqllogictest runner (placeholder). */
int main(void)
{
    return 0;
}
