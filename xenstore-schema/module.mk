# xenstore-schema: the channel's key table and validators, linked by
# every user-space part (the kernel module compiles the same .c itself).
SCHEMA_LIB := $(B)/libballast_schema.a
$(SCHEMA_LIB): $(B)/xenstore-schema/ballast_schema.o
LIBS += $(SCHEMA_LIB)
