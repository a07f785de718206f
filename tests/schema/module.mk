# The schema's validator and doc-consistency suite.
ifeq ($(HAVE_CUNIT),y)
SCHEMA_TEST := $(B)/tests/schema/test_schema
$(SCHEMA_TEST): $(B)/tests/schema/test_schema.o $(B)/tests/schema/schema_doc.o $(SCHEMA_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit
TEST_BINS += $(SCHEMA_TEST)
endif
