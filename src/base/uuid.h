/* Random (version 4) UUIDs, as Java's UUID.randomUUID() prints them. */
#ifndef WEIR_BASE_UUID_H
#define WEIR_BASE_UUID_H

/* Writes "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" and a NUL into out. */
void weir_uuid4(char out[37]);

#endif
