# xenstore-schema: the channel's key table and validators, linked by
# every user-space part (the kernel module compiles ballast_schema.c itself),
# and the path builder, for user space only.
SCHEMA_LIB := $(B)/libballast_schema.a
$(SCHEMA_LIB): $(B)/xenstore-schema/ballast_schema.o $(B)/xenstore-schema/ballast_path.o
LIBS += $(SCHEMA_LIB)
